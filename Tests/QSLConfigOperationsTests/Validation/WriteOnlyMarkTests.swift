@testable import QSLConfigOperations
import QSLConfigCore
import Testing

@Suite("Keys a writeOnly section marks")
struct WriteOnlyMarkTests {
    @Test("a key is marked by its own path or a section above it, sections split at every ':'")
    func marked() {
        let paths: Set<String> = [ConfigKey.fold("Jwt\u{0600}"), ConfigKey.fold("Smtp:Password")]
        #expect(ValidationOperation.isMarked(ConfigKey("jwt\u{0600}:Secret"), in: paths))
        #expect(ValidationOperation.isMarked(ConfigKey("SMTP:password"), in: paths))
        #expect(!ValidationOperation.isMarked(ConfigKey("Smtp:Host"), in: paths))
        #expect(!ValidationOperation.isMarked(ConfigKey("Jwt"), in: paths))
        #expect(!ValidationOperation.isMarked(ConfigKey("Jwt\u{0600}:Secret"), in: []))
    }
}
