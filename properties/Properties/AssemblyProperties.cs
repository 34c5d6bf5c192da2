using FsCheck.Xunit;
using PmuConformance.Properties.Framework;

// Every [Property] of this assembly draws its scenarios from the project's generator and shrinker.
[assembly: Properties(Arbitrary = new[] { typeof(ScenarioArbitraries) })]
