import Foundation

// Benchmark drivers. Each subcommand prints machine-readable `key=value` lines that the
// scripts/bench-*.sh scripts combine with the peer's figures.

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    print("usage: qsl-bench parse FILE [ITERATIONS] | sigv4 COUNT | schema-suite DIR | soak [SECONDS] [READERS] [local|moto]")
    exit(2)
}
do {
    switch command {
    case "parse": try ParseBench.run(Array(arguments.dropFirst()))
    case "sigv4": try SigV4Bench.run(Array(arguments.dropFirst()))
    case "schema-suite": try SchemaSuiteBench.run(Array(arguments.dropFirst()))
    case "soak": try await SoakBench.run(Array(arguments.dropFirst()))
    default:
        print("qsl-bench: unknown benchmark \(command)")
        exit(2)
    }
} catch {
    print("qsl-bench: \(error)")
    exit(1)
}
