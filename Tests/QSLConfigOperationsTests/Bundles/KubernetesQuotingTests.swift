import Foundation
import QSLConfigCore
@testable import QSLConfigOperations
import QSLConfigTesting
import Testing

/// The YAML double-quoted scalars the k8s bundle writes, read back by an independent parser.
@Suite("k8s: YAML quoting")
struct KubernetesQuotingTests {
    @Test("every scalar YAML does not allow raw is escaped, and PyYAML reads each value back as it was")
    func awkwardScalarsRoundTrip() throws {
        let values = [
            "plain", "quote \" and backslash \\", "line\nbreak\ttab\r", "\u{1}\u{1F}", "DEL \u{7F}", "C1 \u{80}\u{85}\u{9F}",
            "separators \u{2028}\u{2029}", "BOM \u{FEFF}", "non-characters \u{FFFE}\u{FFFF}", "edge \u{FFFD}\u{10000}\u{10FFFF}", "Welcome\u{FFFF}",
        ]
        let document = values.enumerated().map { "k\($0.offset): " + KubernetesManifests.quoted($0.element) }.joined(separator: "\n") + "\n"
        for line in document.split(separator: "\n") {
            #expect(!line.unicodeScalars.contains { [0x7F, 0xFFFE, 0xFFFF, 0xFEFF].contains($0.value) || (0x80...0x9F).contains($0.value) }, "raw: \(line)")
        }
        let file = try PlatformFixtures.temporaryDirectory("yaml") + "/values.yaml"
        try AtomicFile.write(Array(document.utf8), to: file, mode: 0o600)
        let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), ensure_ascii=True))"
        let run = try PlatformFixtures.run(["python3", "-c", script, file], environment: PlatformFixtures.pathEnvironment)
        #expect(run.status == 0, "\(run.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: String])
        for (index, value) in values.enumerated() {
            #expect(parsed["k\(index)"]?.unicodeScalars.map(\.value) == value.unicodeScalars.map(\.value), "k\(index)")
        }
    }
}
