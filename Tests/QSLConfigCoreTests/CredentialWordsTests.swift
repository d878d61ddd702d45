@testable import QSLConfigCore
import Testing

/// How the classifier splits a key segment into words, where the fast paths must agree with the
/// rules as written.
@Suite("credential classifier: key words")
struct CredentialWordsTests {
    /// Regression: a noun-prefixed word whose rest ends in two descriptors (`httponly` and
    /// `only`, `samesite` and `site`, `usage` and `age`) took whichever the word set's
    /// per-process hash order met first. It is now always the longer.
    @Test("an unsplit word's descriptor is the longest one it ends with", arguments: [
        ("TOKENHTTPONLY", ["token", "httponly"]), ("passwordsamesite", ["password", "samesite"]),
        ("PASSWORDUSAGE", ["password", "usage"]), ("tokenlifetime", ["token", "lifetime"]),
        ("secretsmanagerprefix", ["secrets", "prefix"]), ("dbpassword", ["db", "password"]),
        ("passwordqux", ["password", "qux"]),
    ])
    func descriptorSuffix(_ segment: String, _ expected: [String]) {
        #expect(CredentialClassifier.words(of: segment[...]) == expected)
    }

    @Test("words split at separators, case changes and digits; compounds and non-ASCII words expand", arguments: [
        ("ClientSecret", ["client", "secret"]), ("APIKey", ["api", "key"]), ("QSL_LOCAL_STORE_KEY", ["qsl", "local", "store", "key"]),
        ("APIKEY", ["api", "key"]), ("Sha256", ["sha", "256"]), ("ConnectionString", ["connectionstring"]),
        ("clé_password", ["clé", "password"]), ("passwordpolitiqué", ["password", "politiqué"]),
    ])
    func words(_ segment: String, _ expected: [String]) {
        #expect(CredentialClassifier.words(of: segment[...]) == expected)
    }

    @Test("the AWS secret access key names are found whatever the case or separators", arguments: [
        ("AWS:SecretAccessKey", true), ("aws_secret_access_key", true), ("Deploy:AWS_SECRET_KEY", true),
        ("SECRETACCESSKEY", false), ("Deploy:SecretKey", false), ("Secret:AccessKey", false), ("AccessKey", false),
    ])
    func awsSecretAccessKeyNames(_ key: String, _ expected: Bool) {
        #expect(CredentialClassifier.namesAWSSecretAccessKey(ConfigKey(key)) == expected)
    }

    @Test("a key holds a credential stem wherever it is", arguments: [
        ("DB:PASSWORD", true), ("X:YPWD", true), ("SID", true), ("AUTHORITY", true), ("LOGGING:LOGLEVEL:DEFAULT", false),
        ("KE", false), ("", false), ("PAS:S", false),
    ])
    func stems(_ folded: String, _ expected: Bool) {
        #expect(CredentialClassifier.hasCredentialStem(folded) == expected)
    }

    @Test("the stem scan agrees with a plain substring search on every stem, its prefixes and random keys")
    func stemsAgainstSubstringSearch() {
        func naive(_ folded: String) -> Bool {
            let key = Array(folded.utf8)
            return CredentialRules.keyStems.contains { stem in
                stem.count <= key.count && (0...(key.count - stem.count)).contains { Array(key[$0..<($0 + stem.count)]) == stem }
            }
        }
        var cases: [String] = []
        for stem in CredentialRules.keyStems.map({ String(decoding: $0, as: UTF8.self) }) {
            cases += [stem, "A:" + stem, stem + ":B", "X" + stem + "Y", String(stem.dropLast()), String(stem.dropFirst()), "A:" + String(stem.dropLast())]
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("PASWDECRTOKYNIJHU:_0".utf8)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...12, using: &generator)
            cases.append(String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self))
        }
        for key in cases {
            #expect(CredentialClassifier.hasCredentialStem(key) == naive(key), "\(key)")
        }
    }
}
