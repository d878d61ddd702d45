import QSLConfig
import QSLConfigCore
import Testing

@Suite("Shared settings a service uses")
struct SharedSettingsFilterTests {
    @Test("a service gets the sections and connection strings it lists, names compared ignoring case and split at every ':'")
    func accepts() {
        let filter = SharedSettingsFilter(sections: ["Jwt", "Feature\u{0600}"], connectionStrings: ["Redis"])
        #expect(filter.accepts(ConfigKey("jwt:Secret")))
        #expect(filter.accepts(ConfigKey("ConnectionStrings:redis")))
        #expect(!filter.accepts(ConfigKey("ConnectionStrings:Postgres")))
        #expect(!filter.accepts(ConfigKey("ConnectionStrings")))
        #expect(!filter.accepts(ConfigKey("Logging:LogLevel")))
        // U+0600 joins the ':' after it into one Character; the section still ends at the ':'.
        #expect(filter.accepts(ConfigKey("Feature\u{0600}:Enabled")))
    }
}
