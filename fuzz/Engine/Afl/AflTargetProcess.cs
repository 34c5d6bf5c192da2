using PmuConformance.Fuzz.Engine.Harness;

namespace PmuConformance.Fuzz.Engine.Afl;

/// <summary>
/// The process afl-fuzz starts (<c>&lt;harness&gt; afl-target &lt;target&gt;</c>): SharpFuzz's
/// out-of-process fork server. It answers AFL's fork-server protocol and runs the inputs in a child
/// copy of this process, which it restarts when the child dies (StackOverflow, killed after AFL's
/// timeout), reporting that input as a crash. An exception that is a finding escapes the action,
/// which SharpFuzz reports as a crash; an expected rejection is swallowed.
/// </summary>
internal static class AflTargetProcess
{
    public static int Run(FuzzTargetDefinition definition, int maxLength)
    {
        SharpFuzzCoverage.UseSink(); // until SharpFuzz attaches AFL's shared memory in the child
        if (Coverage.InstrumentationInfo.OfLoadedAssemblies().Any)
        {
            // AFL++ would see no coverage at all: this copy carries the in-process engine's probes.
            throw new InvalidOperationException(
                $"this harness copy carries the in-process engine's probes; afl-fuzz must run the copy in {AflCampaign.SharpFuzzCopyFolder}/");
        }

        Func<Exception, bool> isFinding = definition.IsFinding ?? (_ => true);
        var buffer = new byte[maxLength];
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            int length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            try
            {
                definition.Target(buffer.AsSpan(0, length));
            }
            catch (Exception e) when (!isFinding(e))
            {
                // An expected rejection (e.g. a parse error): not a crash.
            }
        });
        return HarnessExitCodes.Ok;
    }
}
