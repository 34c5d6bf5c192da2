using BenchmarkDotNet.Attributes;
using PmuConformance.Scenarios;

namespace PmuConformance.Benchmarks;

/// <summary>
/// Event dispatch: hardware events on a running VM (qemu-max: 6 event counters and the cycle
/// counter) with every counter programmed and enabled, one of them filtered. The events mix
/// counted and uncounted numbers, EL0 and EL1. One operation is one events step.
/// </summary>
[BenchmarkCategory("event dispatch")]
public class DispatchBenchmarks
{
    public const int EventCount = 256;

    private const string Programmed = """
        filter deny 0x24 1
        init
        run
        write pmevtyper0 0x11
        write pmevtyper1 0x8
        write pmevtyper2 0x21
        write pmevtyper3 0x23
        write pmevtyper4 0x24
        write pmevtyper5 0x40000011
        write pmccfiltr 0x0
        write pmcntenset 0x8000003f
        write pmcr 0x1
        """;

    private readonly Step[] events = CreateEvents();
    private ISimulatedVm model = null!;
    private ISimulatedVm emulator = null!;

    [GlobalSetup]
    public void Prepare()
    {
        model = Vms.Prepare(Vms.Model(Setup.Default), Programmed);
        emulator = Vms.Prepare(Vms.Emulator(Setup.Default), Programmed);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public Outcome Model() => Dispatch(model);

    [Benchmark(OperationsPerInvoke = EventCount)]
    public Outcome Emulator() => Dispatch(emulator);

    private Outcome Dispatch(ISimulatedVm vm)
    {
        var last = default(Outcome);
        foreach (var step in events)
        {
            last = vm.Apply(step);
        }
        return last;
    }

    private static Step[] CreateEvents()
    {
        var random = new Random(7);
        ushort[] numbers = [Events.CpuCycles, Events.InstRetired, Events.BrRetired,
            Events.StallFrontend, Events.StallBackend, 0x4011, 0x3C];
        return Enumerable.Range(0, EventCount)
            .Select(_ => (Step)new EventsStep(0, numbers[random.Next(numbers.Length)], (ulong)random.Next(1, 1000),
                random.Next(3) == 0 ? GuestEl.El0 : GuestEl.El1))
            .ToArray();
    }
}
