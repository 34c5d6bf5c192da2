using PmuConformance.Checking.Checks;
using PmuConformance.Checking.Engine;
using Xunit.Abstractions;

namespace PmuConformance.Properties;

/// <summary>Properties (b) and (c): laws and metamorphic relations of the reference model, every profile.</summary>
public sealed class ModelLawProperties(ITestOutputHelper output)
{
    private static IReadOnlyList<IScenarioCheck> All => [.. ModelLaws.All(), .. MetamorphicRelations.All()];

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Model_obeys(string law)
    {
        var check = All.Single(c => c.Name == law);
        var result = PropertyEngine.Run(check, PropertyBudget.For(0.6 / All.Count));

        output.WriteLine(result.Summary());
        result.Counterexample.ShouldBeNull(result.Counterexample?.Report());
        result.Cases.ShouldBeGreaterThan(0);
    }
}
