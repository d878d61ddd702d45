import QSLConfig
import QSLConfigCore
import Testing

/// The one rule for which variable names an environment can carry, as `exec`, `bundle --format
/// ecs` and `--format dotenv` apply it.
@Suite("environment variable names")
struct EnvironmentNameTests {
    @Test(
        "names a process environment cannot carry, and why",
        arguments: [
            ("Logging__LogLevel__Default", nil), ("lower_case", nil), ("with space", nil), ("#hash", nil), ("ÄÖÜ__ß", nil),
            ("", "it is empty"), ("A=B", "it holds '='"), ("=", "it holds '='"), ("A\u{0}B", "it holds a NUL"),
        ] as [(String, String?)])
    func process(_ name: String, _ reason: String?) {
        #expect(EnvironmentName.unusableReason(name, in: .process) == reason)
    }

    @Test(
        "an env file also refuses whitespace and a leading '#'",
        arguments: [
            ("Logging__LogLevel__Default", nil), ("A#B", nil), ("", "it is empty"), ("A=B", "it holds '='"), ("A\u{0}B", "it holds a NUL"),
            ("#hash", "it starts with '#'"), ("with space", "it holds whitespace"), ("tab\there", "it holds whitespace"),
            ("line\nbreak", "it holds whitespace"),
        ] as [(String, String?)])
    func envFile(_ name: String, _ reason: String?) {
        #expect(EnvironmentName.unusableReason(name, in: .envFile) == reason)
    }

    @Test("a key becomes its variable with ':' written '__'")
    func variable() {
        #expect(EnvironmentName.variable(for: "Logging:LogLevel:Default") == "Logging__LogLevel__Default")
    }
}
