import Foundation
import QSLConfigCore
import QSLConfigTesting
@testable import QSLConfigOperations
import Testing

/// ``SortedJSON`` against the `JSONSerialization` calls it replaced: the reports and the JSON
/// secrets rotation writes back must come out byte for byte the same.
@Suite("sorted JSON against JSONSerialization")
struct SortedJSONTests {
    static func foundation(_ object: Any, _ options: JSONSerialization.WritingOptions) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: options), as: UTF8.self)
    }

    @Test("ASCII keys sort as .sortedKeys sorted them: digits by value, punctuation in the collation's order, lower case first")
    func keyOrder() throws {
        let alphabets = [
            "aAbBzZ09_-. ~$@", "aA01", "kK0123456789", String((0x20...0x7E).map { Character(Unicode.Scalar($0)) }), "aB1\t\n\r -_/",
        ]
        var generator = SplitMix64(seed: 2026)
        for alphabet in alphabets.map(Array.init) {
            for _ in 0..<400 {
                var object: [String: Any] = [:]
                for _ in 0..<Int.random(in: 1...12, using: &generator) {
                    let key = String((0..<Int.random(in: 0...7, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
                    object[key] = 1
                }
                let expected = try Self.foundation(object, [.sortedKeys, .withoutEscapingSlashes])
                #expect(SortedJSON.compact(object) == expected)
            }
        }
        let fixed = ["key10", "key9", "key09", "Key9", "a_b", "a-b", "a.b", "a b", "ab", "aB", "Ab", "AB", "user_name", "username", "userName", "00", "0", "x", "99999999999999999999", "3"]
        let object = Dictionary(uniqueKeysWithValues: fixed.map { ($0, 1 as Any) })
        #expect(SortedJSON.compact(object) == (try Self.foundation(object, [.sortedKeys, .withoutEscapingSlashes])))
    }

    static let secrets = [
        #"{"username":"app","password":"p/w\"\\x","host":"db.internal","port":5432,"ssl":true,"extra":null}"#,
        #"{"nested":{"z":[1,true,null,"x/y",{}],"b":[],"a":{"k10":1,"k9":2}},"c":"\u0001\u001f é 😀 /\t"}"#,
        #"{"dup":1,"dup":"second","Dup":3}"#,
        #"{}"#, #"  {"AccessKeyId":"AKIA","SecretAccessKey":"s/k+e","UserName":"svc"}"#,
    ]

    /// Numbers `JSONSerialization` changed on the way through `Double` (`1.50` to `1.5`,
    /// `99999999999999.99` to `…98`), each key already in order, so that the text written back
    /// is the text read.
    static let numbers = [
        #"{"a":1,"b":-0,"c":1.0,"d":1.50,"e":1e2,"f":1E-7,"g":1.5e300,"h":0.1,"i":123456789012345678901,"j":-9223372036854775809}"#,
        #"{"k":18446744073709551615,"l":18446744073709551616,"m":3.141592653589793238462643,"n":0.000000000000000000001,"o":1.23456789012345678e5}"#,
        #"{"p":1.0000000000000001,"q":-1.234567890123456,"r":-1.2345678901234567,"s":1E5,"t":12.345678901234567,"u":-0.0,"v":1.00000000000000001e3}"#,
        #"{"w":99999999999999.99,"x":1.10,"y":9.999999999999999}"#,
    ]

    @Test("a secret's numbers are written back as they were read, never through Double", arguments: numbers)
    func numbersAsRead(_ text: String) throws {
        let members = try #require(SortedJSON.object(text))
        #expect(SortedJSON.compact(members) == text)
    }

    @Test("a secret read and written back is what JSONSerialization wrote, escapes included", arguments: secrets)
    func secretRoundTrip(_ text: String) throws {
        let members = try #require(SortedJSON.object(text))
        let read = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(SortedJSON.compact(members) == (try Self.foundation(read, [.sortedKeys, .withoutEscapingSlashes])))
        #expect(SortedJSON.text(members, escapingSlashes: true) == (try Self.foundation(read, [.sortedKeys, .prettyPrinted])) + "\n")
        #expect(SortedJSON.text(members) == (try Self.foundation(read, [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) + "\n")
    }

    @Test("only a JSON object is an object")
    func notObjects() {
        for text in ["", "[1]", "\"x\"", "12", "{", "{\"a\":}", "null"] { #expect(SortedJSON.object(text) == nil, "\(text)") }
    }

    @Test("a report is what JSONSerialization printed with .prettyPrinted and .sortedKeys, slashes escaped")
    func report() throws {
        let object: [String: Any] = [
            "source": "smoke", "target": "production", "dryRun": false, "wrote": true, "exitStatus": 3,
            "files": [["path": "services/a/appsettings.json", "replaced": 2, "created": false]],
            "secrets": [] as [Any], "calls": ["reads": 1, "readBacks": 0, "endCheck": 4, "total": 5],
            "warnings": [["message": "a \"quoted\" value\nand a line", "rule": "", "line": 3, "column": 14]],
            "summary": "migrate smoke → production: 1 file", "empty": [String: Any](),
        ]
        #expect(SortedJSON.text(object, escapingSlashes: true) == (try Self.foundation(object, [.prettyPrinted, .sortedKeys])) + "\n")
        #expect(SortedJSON.text(object) == (try Self.foundation(object, [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) + "\n")
    }

    @Test("a generated secret keeps every member it does not regenerate, written as before")
    func generatedSecret() throws {
        let current = #"{"username":"app","password":"old","port":5432,"url":"https://x/y"}"#
        let next = try GeneratedSecret.next(current: current, keys: ["password"], length: 24, secret: "s")
        var expected = try #require(try JSONSerialization.jsonObject(with: Data(current.utf8)) as? [String: Any])
        let generated = try #require(SortedJSON.object(next)?["password"]?.stringValue)
        #expect(generated.count == 24 && generated != "old")
        expected["password"] = generated
        #expect(next == (try Self.foundation(expected, [.sortedKeys, .withoutEscapingSlashes])))

        // Numbers the key does not touch stay as written (JSONSerialization turned these into
        // 99999999999999.98 and 1.1).
        let numbers = try GeneratedSecret.next(current: #"{"b":"keep-b","a":"old","n":99999999999999.99,"z":1.10}"#, keys: ["a"], length: 24, secret: "s")
        #expect(numbers.hasSuffix(#","b":"keep-b","n":99999999999999.99,"z":1.10}"#), "\(numbers)")
    }
}


/// `migrate` writes a JSON secret's keys in the order rotation writes them back, so the first
/// rotation after a migration changes only the values it regenerates.
@Suite("migrated JSON secrets in rotation's key order")
struct MigratedSecretKeyOrderTests {
    @Test("a migrated JSON secret is what JSONSerialization's .sortedKeys wrote, and rotation's writer leaves it byte for byte")
    func sameOrderAsRotation() throws {
        let keys = ["password", "Username", "key10", "key9", "Key9", "a_b", "a-b", "ab", "aB"]
        let secret = MigrationPlan.Secret(
            name: "qsl/production/example", kind: "generated",
            keys: keys.enumerated().map { ($0.element, SecretValue("v\($0.offset)/x")) }, whole: nil, action: .create, sites: [], services: [])
        let existing = ["Zeta": "kept", "alpha2": "kept too", "alpha10": "and this"]
        let written = secret.secretString(mergingOver: SortedJSON.object(SortedJSON.compact(existing)))

        var object: [String: Any] = existing
        for (index, key) in keys.enumerated() { object[key] = "v\(index)/x" }
        #expect(written == (try SortedJSONTests.foundation(object, [.sortedKeys, .withoutEscapingSlashes])))
        #expect(SortedJSON.compact(try #require(SortedJSON.object(written))) == written, "read and written back by rotation: unchanged")
    }
}
