import QSLConfigRedis
import Testing

@Suite("StackExchange.Redis connection strings")
struct RedisConnectionStringTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var endpoints: [String]
        var password: String?
        var user: String?
        var ssl: Bool
        var sslHost: String?
        var connectTimeout: Int?
        var defaultDatabase: Int?
        var abortConnect: Bool?
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        Case(
            text: "redis:6379,password=s3cret,ssl=True,abortConnect=False", endpoints: ["redis:6379"], password: "s3cret", ssl: true,
            abortConnect: false),
        Case(text: "localhost", endpoints: ["localhost"], ssl: false),
        Case(
            text: "primary.cache.amazonaws.com:6380,replica.cache.amazonaws.com:6380,user=qsl_app,password=a=b;c,ssl=true,sslHost=*.cache.amazonaws.com",
            endpoints: ["primary.cache.amazonaws.com:6380", "replica.cache.amazonaws.com:6380"], password: "a=b;c", user: "qsl_app", ssl: true,
            sslHost: "*.cache.amazonaws.com"),
        // Keys in any case, spaces around parts, keys and values trimmed, empty parts skipped.
        Case(
            text: " cache:7000 ,, PASSWORD = p w ,SSL=TRUE, ConnectTimeout=2500,DEFAULTDATABASE=3 ", endpoints: ["cache:7000"], password: "p w",
            ssl: true, connectTimeout: 2500, defaultDatabase: 3),
        // The last of a repeated key wins.
        Case(text: "h:1,password=old,password=new,ssl=false", endpoints: ["h:1"], password: "new", ssl: false),
        // IPv6 endpoints, with and without a port.
        Case(text: "[::1]:6390,fe80::1,password=", endpoints: ["[::1]:6390", "[fe80::1]"], password: "", ssl: false),
        // Options only; unknown keys and command renames kept.
        Case(text: "password=x,$INFO=,name=svc,frobnicate=1", endpoints: [], password: "x", ssl: false),
        // Non-ASCII bytes.
        Case(text: "höst:6379,password=pässwörd,user=ünï", endpoints: ["höst:6379"], password: "pässwörd", user: "ünï", ssl: false),
    ]

    @Test("parses endpoints and options", arguments: cases)
    func parses(_ c: Case) throws {
        let parsed = try RedisConnectionString(c.text)
        #expect(parsed.endpoints.map(\.description) == c.endpoints)
        #expect(parsed.password == c.password)
        #expect(parsed.user == c.user)
        #expect(parsed.ssl == c.ssl)
        #expect(parsed.sslHost == c.sslHost)
        #expect(parsed.connectTimeoutMilliseconds == c.connectTimeout)
        #expect(parsed.defaultDatabase == c.defaultDatabase)
        #expect(parsed.abortConnect == c.abortConnect)
        #expect(parsed.text == c.text)
    }

    @Test(
        "boolean options take StackExchange.Redis's spellings",
        arguments: [
            ("True", true), ("FALSE", false), ("yes", true), ("No", false), ("ON", true), ("off", false), ("1", true), ("0", false),
            (" true ", true),
        ])
    func booleanSpellings(_ spelling: String, _ expected: Bool) throws {
        let parsed = try RedisConnectionString("h:1,ssl=\(spelling),abortConnect=\(spelling)")
        #expect(parsed.ssl == expected)
        #expect(parsed.abortConnect == expected)
    }

    @Test("boolean options refuse what StackExchange.Redis refuses", arguments: ["01", "y", "enabled", "+1", "t", "1.0"])
    func booleanRefused(_ spelling: String) {
        #expect(throws: RedisConnectionStringError.invalidValue(key: "ssl", expected: "True or False (or yes/no, on/off, 1/0)")) {
            try RedisConnectionString("h:1,ssl=\(spelling)")
        }
    }

    @Test("default ports follow ssl")
    func defaultPorts() throws {
        let plain = try RedisConnectionString("cache")
        #expect(plain.endpoints[0].port(tls: plain.ssl) == 6379)
        let tls = try RedisConnectionString("cache,ssl=True")
        #expect(tls.endpoints[0].port(tls: tls.ssl) == 6380)
        #expect(try RedisConnectionString("cache:7001,ssl=True").endpoints[0].port(tls: true) == 7001)
    }

    @Test("connection options come from the string; no endpoint is an error, not localhost")
    func connectionOptions() throws {
        let string = try RedisConnectionString("a:7000,b,user=qsl_app,password=p,ssl=True,sslHost=cache.example,connectTimeout=1500,syncTimeout=250")
        let first = try RedisConnectionOptions(string, caFile: "/ca.pem")
        #expect(first.host == "a" && first.port == 7000 && first.user == "qsl_app")
        #expect(first.tls?.serverName == "cache.example" && first.tls?.caFile == "/ca.pem" && first.tls?.verifyPeer == true)
        #expect(first.connectTimeout == .milliseconds(1500) && first.commandTimeout == .milliseconds(250))
        let second = try RedisConnectionOptions(string, endpoint: 1)
        #expect(second.host == "b" && second.port == 6380)
        #expect(throws: RedisConnectionStringError.noEndpoint(index: 2, count: 2)) { try RedisConnectionOptions(string, endpoint: 2) }
        #expect(throws: RedisConnectionStringError.self) { try RedisConnectionOptions(try RedisConnectionString("password=p")) }
        #expect(try RedisConnectionOptions(try RedisConnectionString("h")).tls == nil)
    }

    @Test("an empty or blank sslHost is no name: the endpoint's host is checked, as StackExchange.Redis does, never nothing")
    func emptySSLHost() throws {
        for text in ["cache.internal:6380,ssl=True,sslHost=", "cache.internal:6380,ssl=True,sslHost=  ", "cache.internal:6380,ssl=True,sslHost=x,sslHost="] {
            let string = try RedisConnectionString(text)
            #expect(string.sslHost == nil, "\(text)")
            #expect(try RedisConnectionOptions(string).tls?.serverName == nil, "\(text)")
        }
        #expect(try RedisConnectionString("cache.internal:6380,ssl=True,sslHost=cache.example").sslHost == "cache.example")
    }

    @Test("unrecognised keys are listed, known ones in any case are not")
    func unrecognised() throws {
        let parsed = try RedisConnectionString("h,PassWord=x,frobnicate=1,$PING=,SyncTimeout=10")
        #expect(parsed.unrecognizedKeys == ["frobnicate"])
        #expect(parsed.syncTimeoutMilliseconds == 10)
    }

    struct RoundTrip: Sendable, CustomTestStringConvertible {
        var text: String
        var newPassword: String
        var expected: String
        var testDescription: String { text }
    }

    static let roundTrips: [RoundTrip] = [
        RoundTrip(
            text: "redis:6379,password=old,ssl=True,abortConnect=False", newPassword: "n3w!",
            expected: "redis:6379,password=n3w!,ssl=True,abortConnect=False"),
        // Spacing, key case and the other options are kept byte for byte.
        RoundTrip(
            text: " a:1 , b:2 ,  Password =  old pw  ,user=qsl_app,ssl=True,sslHost=x.example ", newPassword: "N=ew;x",
            expected: " a:1 , b:2 ,  Password =  N=ew;x  ,user=qsl_app,ssl=True,sslHost=x.example "),
        // Every password part is rewritten (the last one is the one in force).
        RoundTrip(text: "h,password=a,x=1,PASSWORD=b", newPassword: "c", expected: "h,password=c,x=1,PASSWORD=c"),
        // An empty password is a password.
        RoundTrip(text: "h,password=,ssl=false", newPassword: "p", expected: "h,password=p,ssl=false"),
        // None: appended.
        RoundTrip(text: "h:6379,ssl=True", newPassword: "p", expected: "h:6379,ssl=True,password=p"),
        RoundTrip(text: "", newPassword: "p", expected: "password=p"),
        // Non-ASCII around and in the password.
        RoundTrip(text: "höst,password=ä,user=ü", newPassword: "ß€", expected: "höst,password=ß€,user=ü"),
    ]

    @Test("replacing the password changes only the password", arguments: roundTrips)
    func replacesPassword(_ c: RoundTrip) throws {
        let parsed = try RedisConnectionString(c.text)
        let written = try parsed.replacingPassword(with: c.newPassword)
        #expect(written.text == c.expected)
        #expect(written.password == c.newPassword)
        // Everything else reads the same.
        #expect(written.endpoints == parsed.endpoints)
        #expect(written.options.map(\.key) == parsed.options.map(\.key) + (parsed.password == nil ? ["password"] : []))
        #expect(
            written.options.filter { $0.key.lowercased() != "password" }.map(\.value)
                == parsed.options.filter { $0.key.lowercased() != "password" }.map(\.value))
        // And back again: the original bytes.
        if let old = parsed.password, !old.isEmpty, parsed.options.filter({ $0.key.lowercased() == "password" }).count == 1 {
            #expect(try written.replacingPassword(with: old).text == c.text)
        }
    }

    @Test("a password the format cannot hold is refused", arguments: ["", "a,b", " lead", "trail "])
    func refusesUnwritable(_ password: String) throws {
        let parsed = try RedisConnectionString("h,password=old")
        #expect(throws: RedisConnectionStringError.self) { try parsed.replacingPassword(with: password) }
    }

    @Test("description hides the password")
    func descriptionHidesPassword() throws {
        let parsed = try RedisConnectionString("h:1,password=hunter2,user=u,Password=hunter3")
        #expect(parsed.description == "h:1,password=***,user=u,Password=***")
        #expect(!"\(parsed)".contains("hunter"))
    }

    @Test(
        "malformed strings are refused",
        arguments: ["h,=x", "h:notaport", "h:0", "h:70000", "[::1", "[::1]x", ":6379", "h,ssl=maybe", "h,connectTimeout=soon", "h,abortConnect="])
    func refusesMalformed(_ text: String) {
        #expect(throws: RedisConnectionStringError.self) { try RedisConnectionString(text) }
    }

    @Test(
        "a part that is not an endpoint is refused by its number, its text never shown",
        arguments: [
            ("redis://app:REDISLEAK1@10.0.0.5:6379,user=app", RedisConnectionStringError.urlEndpoint(part: 1)),
            ("h:1,password=pa,ss:REDISLEAK2", .afterPassword(part: 3)),
            ("h:1,user=app,password=Tr0ub,4dorREDISLEAK7", .afterPassword(part: 4)),
            ("h:1,REDISLEAK8:6379/0", .urlEndpoint(part: 2)),
            ("/var/run/redis.sock", .unixSocket(part: 1)),
            ("h:1,user:REDISLEAK3@h2", .urlEndpoint(part: 2)),
            ("fe80::1:REDISLEAK4", .invalidEndpoint(part: 1)),
            ("[REDISLEAK5]:6379", .invalidEndpoint(part: 1)),
            ("h:1,ssl=REDISLEAK6", .invalidValue(key: "ssl", expected: "True or False (or yes/no, on/off, 1/0)")),
        ])
    func refusesWithoutEchoing(_ text: String, _ expected: RedisConnectionStringError) {
        do {
            _ = try RedisConnectionString(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error == expected)
            #expect(!error.description.contains("REDISLEAK"), "\(error.description)")
        }
    }

    @Test("IPv6 endpoints: bare, bracketed, with a zone; IPv4-mapped")
    func ipv6() throws {
        let parsed = try RedisConnectionString("fe80::1%eth0,[2001:db8::7]:6380,::ffff:10.0.0.5")
        #expect(parsed.endpoints.map(\.host) == ["fe80::1%eth0", "2001:db8::7", "::ffff:10.0.0.5"])
        #expect(parsed.endpoints.map(\.port) == [nil, 6380, nil])
    }

    @Test("errors name the key, never a password")
    func errorsHidePassword() {
        do {
            _ = try RedisConnectionString("h,password=hunter2,ssl=maybe")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("ssl"))
            #expect(!error.description.contains("hunter2"))
        }
    }
}
