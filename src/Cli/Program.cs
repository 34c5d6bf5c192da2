using PmuConformance.ReferenceModel;
using PmuConformance.Scenarios;

var target = new ModelTarget();
foreach (var path in args)
{
    var scenario = ScenarioParser.ParseFile(path);
    var execution = target.Execute(scenario);
    Console.WriteLine(ScenarioPrinter.Print(scenario, execution.Outcomes.Select(o => (Outcome?)o).ToList()));
    foreach (var m in ExpectationCheck.Mismatches(scenario, execution)) Console.WriteLine(m);
    if (execution.Error is not null) Console.WriteLine(execution.Error.Message);
}
