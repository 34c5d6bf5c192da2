// Placeholder until the emulator issue adds the benchmarks.
return 0;
