import Foundation
import QSLConfigCore

/// Parses one file repeatedly with the project's reader and with Foundation's
/// `JSONSerialization`, and reports the best throughput of each.
///
/// The reader builds an index (kinds, byte ranges, positions) and decodes nothing until asked,
/// while jansson and `JSONSerialization` build whole trees of decoded strings and numbers. So
/// the reader is timed twice: building the index alone, and building it then decoding every
/// member name, string and number (`Double`) as those parsers do, which is the fair row to
/// compare with them.
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
        var checksum = 0
        let decoded = best(of: iterations) {
            let document = try! JSONDocument(parsing: bytes, file: path, limits: limits)
            checksum = Self.decodeAll(document)
        }
        let foundation = best(of: max(3, iterations / 4)) {
            _ = try! JSONSerialization.jsonObject(with: data)
        }
        print("bytes=\(bytes.count)")
        print("values=\(values)")
        print("qsl_seconds=\(reader)")
        print("qsl_mb_per_s=\(megabytes / reader)")
        print("qsl_decoded_seconds=\(decoded)")
        print("qsl_decoded_mb_per_s=\(megabytes / decoded)")
        print("qsl_decoded_checksum=\(checksum)")
        print("foundation_seconds=\(foundation)")
        print("foundation_mb_per_s=\(megabytes / foundation)")
    }

    /// Decodes every member name, string and number of `document`; returns a checksum of what
    /// it decoded so the work cannot be optimised away.
    static func decodeAll(_ document: JSONDocument) -> Int {
        var checksum = 0
        for index in 0..<document.valueCount {
            let value = document.value(atIndex: index)
            if let key = value.key { checksum &+= key.utf8.count }
            switch value.kind {
            case .string: checksum &+= value.stringValue!.utf8.count
            case .number: checksum &+= Int(Double(value.sourceText)!.sign == .minus ? 1 : 2)
            default: break
            }
        }
        return checksum
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
