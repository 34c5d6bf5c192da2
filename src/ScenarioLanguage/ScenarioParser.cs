namespace PmuConformance.Scenarios;

/// <summary>
/// Reads the <c>.pmu</c> format (scenario-language.md). Every problem is a
/// <see cref="ScenarioException"/> naming the file and line; no other exception escapes.
/// </summary>
public static class ScenarioParser
{
    public static Scenario ParseFile(string path) => Parse(File.ReadAllText(path), path);

    public static Scenario Parse(string text, string source = "<text>")
    {
        var reader = new Reader(source);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            reader.ReadLine(i + 1, lines[i]);
        }
        return reader.Finish();
    }

    /// <summary>Like <see cref="Parse"/>, but returns the error instead of throwing it.</summary>
    public static Scenario? TryParse(string text, string source, out ScenarioException? error)
    {
        try
        {
            error = null;
            return Parse(text, source);
        }
        catch (ScenarioException e)
        {
            error = e;
            return null;
        }
    }

    private sealed class Reader(string source)
    {
        private KernelProfile? profile;
        private HostSpec? host;
        private VmSpec? vm;
        private DeviationSet? deviations;
        private readonly List<ScenarioStep> steps = [];
        private readonly List<string> comments = [];
        private int line;

        private Setup Setup => new(profile ?? KernelProfiles.Default, host ?? HostSpec.QemuMax, vm ?? new VmSpec(), deviations);

        public void ReadLine(int number, string text)
        {
            line = number;
            var hash = text.IndexOf('#');
            if (hash >= 0)
            {
                if (steps.Count == 0 && profile is null && host is null && vm is null && deviations is null && text[..hash].Trim().Length == 0)
                {
                    comments.Add(text[(hash + 1)..].Trim());
                }
                text = text[..hash];
            }
            if (text.Any(c => char.IsControl(c) && c != '\t'))
            {
                throw Error("unexpected control character");
            }
            var arrow = text.IndexOf("->", StringComparison.Ordinal);
            var stepText = arrow >= 0 ? text[..arrow] : text;
            var expectText = arrow >= 0 ? text[(arrow + 2)..].Trim() : null;
            var words = Words(stepText);
            if (words.Length == 0)
            {
                if (expectText is not null)
                {
                    throw Error("an expectation needs a step before '->'");
                }
                return;
            }
            switch (words[0])
            {
                case "profile":
                    NoExpectation(expectText);
                    SetupLine(ref profile, (KernelProfile?)ReadProfile(words));
                    return;
                case "host":
                    NoExpectation(expectText);
                    SetupLine(ref host, ReadHost(words));
                    return;
                case "vm":
                    NoExpectation(expectText);
                    SetupLine(ref vm, ReadVm(words));
                    return;
                case "deviations":
                    NoExpectation(expectText);
                    SetupLine(ref deviations, ReadDeviations(words));
                    return;
            }
            var step = ReadStep(words);
            steps.Add(new ScenarioStep(step, ReadExpectation(step, expectText), number));
        }

        public Scenario Finish()
        {
            var setup = Setup;
            if (setup.Vm.Nested && !setup.ProfileRules.HasNested)
            {
                throw new ScenarioException(source, 0, "nested=on needs profile 7.2 (behaviour.md section 8)");
            }
            return new Scenario(setup, steps) { Source = source, Comments = comments };
        }

        private static string[] Words(string text) =>
            text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

        private ScenarioException Error(string message) => new(source, line, message);

        private void NoExpectation(string? expectText)
        {
            if (expectText is not null)
            {
                throw Error("set-up lines take no expectation");
            }
        }

        private void SetupLine<T>(ref T? slot, T value)
        {
            if (steps.Count > 0)
            {
                throw Error("set-up lines (profile, host, vm, deviations) must come before the first step");
            }
            if (slot is not null)
            {
                throw Error("this set-up line was already given");
            }
            slot = value;
        }

        private KernelProfile ReadProfile(string[] words)
        {
            if (words.Length != 2 || !KernelProfiles.TryParse(words[1], out var p))
            {
                throw Error("expected 'profile 6.1|6.12|7.2'");
            }
            return p;
        }

        private HostSpec ReadHost(string[] words)
        {
            var rest = words[1..];
            HostSpec? start = null;
            if (rest.Length > 0 && !rest[0].Contains('='))
            {
                start = HostSpec.Presets.FirstOrDefault(p => p.Name == rest[0]).Host
                    ?? throw Error($"unknown host preset '{rest[0]}' (known: {string.Join(", ", HostSpec.Presets.Select(p => p.Name))})");
                rest = rest[1..];
            }
            var options = Options(rest, "pmuver", "counters", "pmceid0", "pmceid1", "aarch32", "pmus", "pmcrid");
            if (start is null)
            {
                foreach (var required in new[] { "pmuver", "counters", "pmceid0", "pmceid1" })
                {
                    if (!options.ContainsKey(required))
                    {
                        throw Error($"host needs a preset or {required}=");
                    }
                }
                start = HostSpec.QemuMax;
            }
            var host = start;
            foreach (var (key, value) in options)
            {
                host = key switch
                {
                    "pmuver" => host with { PmuVer = PmuVersion.TryParse(value, out var v) ? v : throw Error($"bad PMUVer '{value}'") },
                    "counters" => host with { Counters = (int)Number(value, 31, "counters") },
                    "pmceid0" => host with { Pmceid0 = Number(value, ulong.MaxValue, "pmceid0") },
                    "pmceid1" => host with { Pmceid1 = Number(value, ulong.MaxValue, "pmceid1") },
                    "aarch32" => host with { AArch32 = YesNo(value, "yes", "no") },
                    "pmus" => host with { Pmus = (int)Number(value, 8, "pmus") },
                    _ => host with { PmcrId = (uint)Number(value, uint.MaxValue, "pmcrid") & 0xFFFF0000 },
                };
            }
            if (host.Pmus < 1)
            {
                throw Error("pmus must be at least 1");
            }
            return host;
        }

        private VmSpec ReadVm(string[] words)
        {
            var vmSpec = new VmSpec();
            foreach (var (key, value) in Options(words[1..], "vcpus", "nested", "el2", "el3", "pmu"))
            {
                vmSpec = key switch
                {
                    "vcpus" => vmSpec with { Vcpus = (int)Number(value, VmSpec.MaxVcpus, "vcpus") },
                    "nested" => vmSpec with { Nested = YesNo(value, "on", "off") },
                    "el2" => vmSpec with { El2 = YesNo(value, "on", "off") },
                    "el3" => vmSpec with { El3 = YesNo(value, "on", "off") },
                    _ => vmSpec with { Pmu = YesNo(value, "on", "off") },
                };
            }
            if (vmSpec.Vcpus < 1)
            {
                throw Error($"vcpus must be 1-{VmSpec.MaxVcpus}");
            }
            if (vmSpec.Nested && !vmSpec.El2)
            {
                throw Error("nested=on needs el2=on");
            }
            return vmSpec;
        }

        /// <summary><c>deviations KD1 KD3</c>: ids of the ledger (behaviour.md section 13).</summary>
        private DeviationSet ReadDeviations(string[] words)
        {
            if (words.Length < 2)
            {
                throw Error("expected 'deviations KD<n> ...'");
            }
            foreach (var id in words[1..])
            {
                if (DeviationLedger.Find(id) is null)
                {
                    throw Error($"unknown deviation '{id}' (known: {string.Join(", ", DeviationLedger.All.Select(d => d.Id))})");
                }
            }
            return new DeviationSet(words[1..]);
        }

        private Dictionary<string, string> Options(string[] words, params string[] keys)
        {
            var options = new Dictionary<string, string>();
            foreach (var word in words)
            {
                var eq = word.IndexOf('=');
                if (eq <= 0 || !keys.Contains(word[..eq]))
                {
                    throw Error($"unexpected '{word}' (expected {string.Join(", ", keys.Select(k => k + "="))})");
                }
                if (!options.TryAdd(word[..eq], word[(eq + 1)..]))
                {
                    throw Error($"'{word[..eq]}' given twice");
                }
            }
            return options;
        }

        private bool YesNo(string value, string yes, string no) =>
            value == yes ? true : value == no ? false : throw Error($"expected {yes} or {no}, got '{value}'");

        private ulong Number(string text, ulong max, string what) =>
            StepArguments.ReadNumber(text, max, what, Error);

        private Step ReadStep(string[] words)
        {
            var vcpu = 0;
            var rest = words;
            if (rest[0] == "vcpu")
            {
                vcpu = ReadVcpuPrefix(ref rest);
            }
            if (rest.Length == 0)
            {
                throw Error("a step is missing after the vcpu prefix");
            }
            var keyword = rest[0];
            if (!StepSyntax.Parsers.TryGetValue(keyword, out var parse))
            {
                throw Error($"unknown step '{keyword}'");
            }
            return parse(new StepArguments(source, line, Setup, vcpu, keyword, rest[1..]));
        }

        /// <summary>Reads the vcpu prefix and leaves <paramref name="words"/> at the step after it.</summary>
        private int ReadVcpuPrefix(ref string[] words)
        {
            // "vcpu 1: step" or "vcpu 1 : step"
            if (words.Length < 2)
            {
                throw Error("expected 'vcpu <i>: <step>'");
            }
            var number = words[1];
            var rest = words[2..];
            if (number.EndsWith(':'))
            {
                number = number[..^1];
            }
            else if (rest.Length > 0 && rest[0] == ":")
            {
                rest = rest[1..];
            }
            else
            {
                throw Error("expected ':' after the vcpu number");
            }
            var index = (int)Number(number, VmSpec.MaxVcpus, "vcpu");
            var vcpus = Setup.Vm.Vcpus;
            if (index >= vcpus)
            {
                throw Error($"vcpu {index} does not exist (vm vcpus={vcpus})");
            }
            words = rest;
            return index;
        }

        private Outcome? ReadExpectation(Step step, string? text)
        {
            if (text is null || text == "?")
            {
                return null;
            }
            if (step.Yields == StepYield.Nothing)
            {
                throw Error("this step yields nothing to expect");
            }
            if (!Outcome.TryParse(text, step.Yields, out var outcome))
            {
                var forms = step.Yields switch
                {
                    StepYield.Status => "ok or an errno name (EINVAL, EBUSY, ...)",
                    StepYield.Value => "a number or undef",
                    StepYield.ValueOrStatus => "a number or an errno name",
                    _ => "ok or undef",
                };
                throw Error($"bad expectation '{text}': expected {forms}");
            }
            return outcome;
        }
    }
}
