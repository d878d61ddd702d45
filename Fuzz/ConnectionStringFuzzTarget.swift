// libFuzzer entry point for the connection-string and URL readers (`scripts/fuzz.sh
// connection-string`): Npgsql/ADO.NET (QSLConfigResources), StackExchange.Redis (QSLConfigRedis)
// and the credential classifier's own ADO.NET, libpq, Redis and URL scanners (QSLConfigCore).
// Built by scripts/fuzz.sh against instrumented modules; never part of the package build.
//
// Checked on every input:
// - the classifier's findings are in order, do not overlap, and fall inside the value; its
//   redaction leaves every byte outside them as it was;
// - a string Npgsql reads gets its password changed by `replacing(password:)` and read back;
// - a password Npgsql or StackExchange.Redis reads is not shown by the classifier's redaction
//   (when the string holds no `$`, and the password is long enough, found once, and written in
//   its own value as it reads, to be told from the rest of the text);
// - a string StackExchange.Redis reads keeps reading after `replacingPassword(with:)`, with the
//   new password, and its description never shows a password.

@testable import QSLConfigCore
@testable import QSLConfigRedis
@testable import QSLConfigResources

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnectionString(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let count = text.utf8.count

    // The classifier, with and without a key.
    for key in [nil, ConfigKey("ConnectionStrings:fuzz"), ConfigKey("Fuzz:Url")] as [ConfigKey?] {
        let findings = CredentialClassifier.findings(key: key, value: text, includeReview: true)
        var end = 0
        for finding in findings {
            precondition(finding.utf8Offsets.lowerBound >= end, "findings overlap or are out of order")
            precondition(finding.utf8Offsets.upperBound <= count, "finding past the value's end")
            precondition(finding.utf8Offsets.count == text.utf8[finding.range].count, "byte offsets disagree with the range")
            end = finding.utf8Offsets.upperBound
        }
    }
    let redacted = CredentialClassifier.redacting(text, key: nil)
    if let redacted {
        precondition(occurrences(of: SecretValue.redactionMarker, in: redacted) > 0, "redaction changed the value without masking")
    }

    // Npgsql / ADO.NET.
    if let npgsql = try? NpgsqlConnectionString(text) {
        for pair in npgsql.pairs { precondition(pair.valueRange.upperBound <= count, "value range past the end") }
        _ = npgsql.description
        _ = try? npgsql.port
        _ = try? npgsql.timeout
        _ = try? npgsql.sslMode
        _ = try? npgsql.trustServerCertificate
        let changed = npgsql.replacing(password: "n3w;pa\"ss'", username: "fuzz user")
        let reread = try? NpgsqlConnectionString(changed)
        precondition(reread?.password == "n3w;pa\"ss'", "a changed password does not read back")
        precondition(reread?.username == "fuzz user", "a changed user does not read back")
        if let password = npgsql.password, !text.utf8.contains(0x24) {
            precondition(password.isEmpty || redacted != nil, "the classifier masks nothing in a string whose password Npgsql reads")
            // Only a password written as it reads (no quotes or doubled quotes decoded) can be
            // looked for in the text: a decoded one may equal another field's raw text.
            let token = npgsql.pairs.last { $0.keyword == .password }.map { String(decoding: Array(text.utf8)[$0.valueRange], as: UTF8.self) }
            if isDistinct(password, in: text), let token, occurrences(of: password, in: token) == 1 {
                precondition(occurrences(of: password, in: redacted ?? text) == 0, "the classifier shows the password Npgsql reads")
            }
        }
    }

    // StackExchange.Redis.
    if let redis = try? RedisConnectionString(text) {
        _ = redis.unrecognizedKeys
        _ = redis.ssl
        _ = redis.connectTimeoutMilliseconds
        for endpoint in redis.endpoints { _ = endpoint.description }
        for option in redis.options { precondition(option.valueRange.upperBound <= count, "value range past the end") }
        if let password = redis.password, !text.utf8.contains(0x24), isDistinct(password, in: text) {
            precondition(occurrences(of: password, in: redacted ?? text) == 0, "the classifier shows the password StackExchange.Redis reads")
        }
        if let changed = try? redis.replacingPassword(with: "n3w-pass") {
            precondition(changed.password == "n3w-pass", "a changed password does not read back")
            precondition(occurrences(of: "n3w-pass", in: changed.description) == 0, "the description shows the password")
        }
    }
    return 0
}

/// Whether `needle` is at least 6 bytes, holds no space, and occurs exactly once in `text`: a
/// password that redaction left in place is then certainly shown.
func isDistinct(_ needle: String, in text: String) -> Bool {
    needle.utf8.count >= 6 && !needle.utf8.contains(0x20) && occurrences(of: needle, in: text) == 1
}

/// How many times `needle`'s bytes occur in `text`'s. Bytes, not characters: a combining mark
/// after a match joins its last character, and `String.contains` would then miss it.
func occurrences(of needle: String, in text: String) -> Int {
    let n = Array(needle.utf8), t = Array(text.utf8)
    guard !n.isEmpty, t.count >= n.count else { return 0 }
    var found = 0
    for i in 0...(t.count - n.count) where t[i] == n[0] && t[i..<(i + n.count)].elementsEqual(n) {
        found += 1
    }
    return found
}
