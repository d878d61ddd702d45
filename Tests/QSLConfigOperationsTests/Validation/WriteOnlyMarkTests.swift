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

    @Test("empty segments are sections too: a key's prefixes are taken as written, never re-joined")
    func emptySegments() {
        // ":Secret" is a key whose first section has an empty name; "Secret" is another key.
        let fold = ConfigKey.fold
        #expect(ValidationOperation.isMarked(ConfigKey(":Secret"), in: [fold(":Secret")]))
        #expect(!ValidationOperation.isMarked(ConfigKey(":Secret"), in: [fold("Secret")]))
        #expect(ValidationOperation.isMarked(ConfigKey(":Secret"), in: [""]))
        #expect(ValidationOperation.isMarked(ConfigKey("A::B"), in: [fold("A:")]))
        #expect(!ValidationOperation.isMarked(ConfigKey("A::B"), in: [fold("A:B")]))
        #expect(!ValidationOperation.isMarked(ConfigKey("AB"), in: [fold("A")]))
    }
}
