import Foundation
import QSLConfigCore

/// Parses one file repeatedly with the project's reader and with Foundation's
/// `JSONSerialization`, and reports the best throughput of each.
enum ParseBench {
    static func run(_ arguments: [String]) throws {
        guard let path = arguments.first else { throw BenchError("usage: qsl-bench parse FILE [ITERATIONS]") }
        let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 20 : 20
        let bytes = try FileBytes.read(path)
        let data = Data(bytes)
        let megabytes = Double(bytes.count) / 1_000_000
        let limits = ReaderLimits(maxBytes: max(bytes.count, ReaderLimits.defaultMaxBytes))

        var values = 0
        let reader = best(of: iterations) {
            let document = try! JSONDocument(parsing: bytes, file: path, limits: limits)
            values = document.valueCount
        }
        let foundation = best(of: max(3, iterations / 4)) {
            _ = try! JSONSerialization.jsonObject(with: data)
        }
        print("bytes=\(bytes.count)")
        print("values=\(values)")
        print("qsl_seconds=\(reader)")
        print("qsl_mb_per_s=\(megabytes / reader)")
        print("foundation_seconds=\(foundation)")
        print("foundation_mb_per_s=\(megabytes / foundation)")
    }

    /// The fastest of `count` runs, in seconds.
    static func best(of count: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var fastest = Double.infinity
        for _ in 0..<count {
            let elapsed = clock.measure(body)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            fastest = min(fastest, seconds)
        }
        return fastest
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
