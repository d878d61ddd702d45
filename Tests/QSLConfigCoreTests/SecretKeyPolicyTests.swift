import QSLConfigCore
import Testing

@Suite("secret key and embedded password rules")
struct SecretKeyPolicyTests {
    @Test("environment-style names ending in _KEY are credentials, the local store's key among them", arguments: [
        "QSL_LOCAL_STORE_KEY", "STRIPE_PUBLISHABLE_KEY", "Jwt:Key", "Logto:ClientSecret", "Db:Password",
    ])
    func secretNames(_ name: String) {
        #expect(SecretKeyPolicy.isSecretKey(ConfigKey(name)))
    }

    @Test("settings that merely mention a key are not", arguments: ["Kestrel:Port", "Cache:KeyPrefix", "Logging:LogLevel:Default"])
    func plainNames(_ name: String) {
        #expect(!SecretKeyPolicy.isSecretKey(ConfigKey(name)))
    }

    @Test("passwords embedded in connection strings and URLs are found and redacted in every form", arguments: [
        ("Host=db;Username=u;Password=hunter3;SSL Mode=Require", "Host=db;Username=u;Password=<redacted>;SSL Mode=Require"),
        ("redis:6379,password=hunter3,ssl=True", "redis:6379,password=<redacted>,ssl=True"),
        ("password=hunter3", "password=<redacted>"),
        ("https://user:hunter3@rpc.example/v1", "https://user:<redacted>@rpc.example/v1"),
        ("Server=x;Pwd=hunter3", "Server=x;Pwd=<redacted>"),
    ])
    func embedded(_ value: String, _ redacted: String) {
        #expect(SecretKeyPolicy.redactingEmbeddedPassword(in: value) == redacted)
        #expect(SecretKeyPolicy.embeddedPasswords(in: value).map { String(value[$0]) } == ["hunter3"])
    }

    @Test("values without a password are left alone", arguments: ["Host=db;Port=5432", "https://rpc.example/v1?key=a,b", "redis:6379,ssl=True", "plain"])
    func noPassword(_ value: String) {
        #expect(SecretKeyPolicy.redactingEmbeddedPassword(in: value) == nil)
    }
}
