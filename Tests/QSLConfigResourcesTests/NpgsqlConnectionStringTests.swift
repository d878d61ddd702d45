import QSLConfigCore
import QSLConfigResources
import Testing

@Suite("Npgsql connection strings")
struct NpgsqlConnectionStringTests {
    typealias Keyword = NpgsqlConnectionString.Keyword

    struct ReadCase: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: [Keyword: String]
        var testDescription: String { text }
    }

    static let readCases: [ReadCase] = [
        ReadCase(
            text: "Host=db;Port=5432;Database=app;Username=svc;Password=s3cret",
            expected: [.host: "db", .port: "5432", .database: "app", .username: "svc", .password: "s3cret"]),
        ReadCase(
            text: "server=db.internal; user id = svc ; pwd = p@ss ; SSL Mode=VerifyFull",
            expected: [.host: "db.internal", .username: "svc", .password: "p@ss", .sslMode: "VerifyFull"]),
        ReadCase(text: "SERVER=h;UID=u;PASSWORD=x;SslMode=Require", expected: [.host: "h", .username: "u", .password: "x", .sslMode: "Require"]),
        ReadCase(text: "Host=h;User Name=u;Password=\"a;b\"", expected: [.host: "h", .username: "u", .password: "a;b"]),
        ReadCase(text: "Host=h;Password='it''s;x'", expected: [.host: "h", .password: "it's;x"]),
        ReadCase(text: "Host=h;Password=\"say \"\"hi\"\"\"", expected: [.host: "h", .password: "say \"hi\""]),
        ReadCase(text: "Host=h;Password=\"'single'\"", expected: [.host: "h", .password: "'single'"]),
        ReadCase(text: "Host=h;Password=a=b==c", expected: [.host: "h", .password: "a=b==c"]),
        ReadCase(text: "Host=h;Password=\" padded \"", expected: [.host: "h", .password: " padded "]),
        ReadCase(text: "Host=h;Password=", expected: [.host: "h", .password: ""]),
        ReadCase(text: ";;Host=h;;Timeout=3;", expected: [.host: "h", .timeout: "3"]),
        ReadCase(text: "Host=first;host=second", expected: [.host: "second"]),
        ReadCase(
            text: "Host=h;Trust Server Certificate=true;Root Certificate=/etc/ssl/ca.pem;Timeout = 7",
            expected: [.host: "h", .trustServerCertificate: "true", .rootCertificate: "/etc/ssl/ca.pem", .timeout: "7"]),
        ReadCase(text: "Host=h;Password=pä§wörd", expected: [.host: "h", .password: "pä§wörd"]),
        ReadCase(text: "  Host = h  ;  Password = x y  ", expected: [.host: "h", .password: "x y"]),
    ]

    @Test("reads keys case-insensitively, with synonyms, spaces and quotes", arguments: readCases)
    func reads(_ testCase: ReadCase) throws {
        let parsed = try NpgsqlConnectionString(testCase.text)
        for keyword in Keyword.allCases {
            #expect(parsed[keyword] == testCase.expected[keyword], "\(keyword)")
        }
    }

    @Test("typed values: port, timeout, SSL mode, trust server certificate")
    func typedValues() throws {
        let parsed = try NpgsqlConnectionString("Host=h;Port= 6543 ;Timeout=3;SSL Mode=verify-ca;Trust Server Certificate=False")
        #expect(try parsed.port == 6543)
        #expect(try parsed.timeout == 3)
        #expect(try parsed.sslMode == .verifyCA)
        #expect(try parsed.trustServerCertificate == false)
        let mapped: [(String, String)] = [
            ("Disable", "disable"), ("Prefer", "prefer"), ("Require", "require"), ("VerifyCA", "verify-ca"), ("VerifyFull", "verify-full"),
            ("REQUIRE", "require"), ("verify-full", "verify-full"),
        ]
        for (npgsql, libpq) in mapped {
            #expect(NpgsqlConnectionString.SSLMode(npgsql: npgsql)?.libpq == libpq, "\(npgsql)")
        }
        #expect(throws: NpgsqlConnectionString.ValueError.self) { try NpgsqlConnectionString("Port=http").port }
        #expect(throws: NpgsqlConnectionString.ValueError.self) { try NpgsqlConnectionString("Port=70000").port }
        #expect(throws: NpgsqlConnectionString.ValueError.self) { try NpgsqlConnectionString("SSL Mode=Sometimes").sslMode }
        #expect(try NpgsqlConnectionString("Host=h").sslMode == nil)
    }

    @Test("malformed text is refused without echoing it", arguments: ["Host", "Host=h;Password", "Password=\"open", "Password=\"a\"b", "=x"])
    func malformed(_ text: String) {
        #expect {
            try NpgsqlConnectionString(text)
        } throws: { error in
            guard let error = error as? NpgsqlConnectionString.ParseError else { return false }
            return !error.description.contains(text)
        }
    }

    @Test("description never shows the password")
    func descriptionHidesPassword() throws {
        let parsed = try NpgsqlConnectionString("Host=h;Pwd=hunter2;User ID=u")
        #expect(!parsed.description.contains("hunter2"))
        #expect(parsed.description.contains("Host=h"))
    }

    struct WriteCase: Sendable, CustomTestStringConvertible {
        var text: String
        var password: String
        var username: String?
        var expected: String
        var testDescription: String { text }
    }

    static let writeCases: [WriteCase] = [
        // Only the value bytes change; spaces, key spelling, order and the trailing `;` stay.
        WriteCase(text: "Host=db;Username=svc;Password=old;SSL Mode=Require", password: "new", expected: "Host=db;Username=svc;Password=new;SSL Mode=Require"),
        WriteCase(text: " host = db ; PWD = old ; sslmode=Require;", password: "n3w", expected: " host = db ; PWD = n3w ; sslmode=Require;"),
        WriteCase(text: "Host=db;Password=\"o;ld\";Port=5432", password: "plain", expected: "Host=db;Password=plain;Port=5432"),
        WriteCase(text: "Host=db;Password=old", password: "a;b", expected: "Host=db;Password=\"a;b\""),
        // As DbConnectionStringBuilder writes values: quoted when they hold a quote, `=`, `;`,
        // white space or a control character (.NET refuses a bare value ending in a quote).
        WriteCase(text: "Host=db;Password=old", password: "say \"hi\"", expected: "Host=db;Password='say \"hi\"'"),
        WriteCase(text: "Host=db;Password=old", password: "bob'", expected: "Host=db;Password=\"bob'\""),
        WriteCase(text: "Host=db;Password=old", password: "a=b", expected: "Host=db;Password=\"a=b\""),
        WriteCase(text: "Host=db;Password=old", password: "in side", expected: "Host=db;Password=\"in side\""),
        WriteCase(text: "Host=db;Password=old", password: "\"hi\"", expected: "Host=db;Password='\"hi\"'"),
        WriteCase(text: "Host=db;Password=old", password: "'hi'", expected: "Host=db;Password=\"'hi'\""),
        WriteCase(text: "Host=db;Password=old", password: "it's \"x\";", expected: "Host=db;Password=\"it's \"\"x\"\";\""),
        WriteCase(text: "Host=db;Password=old", password: " lead", expected: "Host=db;Password=\" lead\""),
        WriteCase(text: "Host=db;Password=old", password: "", expected: "Host=db;Password=\"\""),
        WriteCase(text: "Host=db;Password='old'  ;Port=1", password: "x=y", expected: "Host=db;Password=\"x=y\"  ;Port=1"),
        // Every synonym of the keyword changes: no stale password stays behind.
        WriteCase(text: "Pwd=a;Host=db;Password=b", password: "c", expected: "Pwd=c;Host=db;Password=c"),
        // Alternating users: the user changes too.
        WriteCase(text: "Server=db;User ID=app_blue;Password=old;", password: "new", username: "app_green", expected: "Server=db;User ID=app_green;Password=new;"),
        WriteCase(text: "Server=db; UID = app_blue ;Pwd=old", password: "new", username: "app green", expected: "Server=db; UID = \"app green\" ;Pwd=new"),
        // An absent keyword is appended.
        WriteCase(text: "Host=db", password: "p", expected: "Host=db;Password=p"),
        WriteCase(text: "Host=db;", password: "p", username: "u", expected: "Host=db;Password=p;Username=u;"),
        WriteCase(text: "", password: "p", expected: "Password=p"),
        WriteCase(text: "Host=db;Username=ü;Password=ö;Database=x", password: "€", username: "ñ", expected: "Host=db;Username=ñ;Password=€;Database=x"),
    ]

    @Test("writes back only the password (and the user), byte for byte", arguments: writeCases)
    func writesBack(_ testCase: WriteCase) throws {
        let parsed = try NpgsqlConnectionString(testCase.text)
        let written = parsed.replacing(password: testCase.password, username: testCase.username)
        #expect(Array(written.utf8) == Array(testCase.expected.utf8))
        // What was written reads back as the new values, and every other pair as before.
        let reread = try NpgsqlConnectionString(written)
        #expect(reread.password == testCase.password)
        if let username = testCase.username { #expect(reread.username == username) }
        for keyword in Keyword.allCases where keyword != .password && (keyword != .username || testCase.username == nil) {
            #expect(reread[keyword] == parsed[keyword], "\(keyword)")
        }
    }

    @Test(
        "the same password written back gives the same bytes",
        arguments: [
            "Host=db;Password=same;Port=5432", " Server = db ;  Pwd = same  ;", "Host=db;Password=\"a;b\"", "Host=db;Password='\"xy'",
            "Host=db;Password=\"it's \"\"q\"\";\"",
        ])
    func roundTrip(_ text: String) throws {
        let parsed = try NpgsqlConnectionString(text)
        let password = try #require(parsed.password)
        #expect(parsed.replacing(password: password) == text)
    }
}

/// The redaction scanner in QSLConfigCore reads the same grammar on any configuration value:
/// what it masks is exactly the password this parser reads, so a connection string rotation
/// writes is one the redaction still covers.
@Suite("Npgsql connection strings beside the credential classifier")
struct NpgsqlClassifierAgreementTests {
    static let texts: [String] =
        NpgsqlConnectionStringTests.readCases.map(\.text) + NpgsqlConnectionStringTests.writeCases.flatMap { [$0.text, $0.expected] }

    @Test("the classifier masks the bytes of every non-empty password the parser reads", arguments: texts)
    func agree(_ text: String) throws {
        let parsed = try NpgsqlConnectionString(text)
        let bytes = Array(text.utf8)
        let found = CredentialClassifier.findings(key: nil, value: text).filter { $0.kind == .embeddedPassword }.map(\.utf8Offsets)
        let passwords = parsed.pairs.filter { $0.keyword == .password && !$0.value.isEmpty }
        for pair in passwords {
            let token = pair.valueRange
            let quoted = bytes[token.lowerBound] == UInt8(ascii: "\"") || bytes[token.lowerBound] == UInt8(ascii: "'")
            let inner = quoted ? (token.lowerBound + 1)..<(token.upperBound - 1) : token
            #expect(found.contains { $0.lowerBound <= inner.lowerBound && inner.upperBound <= $0.upperBound }, "\(pair.key) at \(inner) in \(found)")
        }
    }
}
