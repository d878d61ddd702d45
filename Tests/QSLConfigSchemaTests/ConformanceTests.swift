import Foundation
import QSLConfigCore
@testable import QSLConfigSchema
import Testing

/// The official JSON Schema Test Suite: every required test of draft 2020-12 and draft-07, and
/// the 2020-12 format files for the formats the validator asserts. A single failing test fails
/// the run and is listed by name.
@Suite("JSON Schema Test Suite")
struct ConformanceTests {
    @Test("conformance", arguments: SchemaTestSuite.Run.allCases)
    func conformance(_ run: SchemaTestSuite.Run) throws {
        let suite = SchemaTestSuite(suiteDirectory: SchemaTestPaths.testSuite)
        #expect(!suite.files(for: run).isEmpty, "no test files found for \(run) under \(SchemaTestPaths.testSuite)")
        let summary = try suite.run(run, crossCheck: true)
        print(summary.line)
        // Pinned, so a lost or truncated suite file fails the run instead of shrinking it.
        #expect(summary.total == Self.pinnedTotals[run], "\(run) ran \(summary.total) tests")
        // Counted independently of the runner, so a case it skipped cannot pass unnoticed.
        #expect(summary.total == (try Self.testCount(suite.files(for: run).map { "\(SchemaTestPaths.testSuite)/tests/\(run.rawValue)/\($0)" })))
        for failure in summary.failures {
            Issue.record("\(failure.name): \(failure.detail)")
        }
        if run == .format2020 {
            #expect(suite.files(for: run).count == SchemaTestSuite.Run.assertedFormats.count)
        }
    }

    /// How many tests each run holds in the copy under `Tests/Conformance/` (the format run
    /// counts the tests of the formats the validator asserts).
    static let pinnedTotals: [SchemaTestSuite.Run: Int] = [.draft2020: 1299, .draft7: 927, .format2020: 497]

    /// The number of tests in the suite files, read with Foundation's JSON parser.
    static func testCount(_ paths: [String]) throws -> Int {
        try paths.reduce(0) { total, path in
            let groups = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [[String: Any]])
            return total + groups.reduce(0) { $0 + (($1["tests"] as? [Any])?.count ?? 0) }
        }
    }
}
