import QSLConfig
import QSLConfigCore
@testable import QSLConfigOperations
import Testing

/// What `migrate` takes as "the store already holds it": the same bytes, as the store compares.
@Suite("migrate: comparing with the store")
struct MigrationCompareTests {
    static let composed = "pa\u{e9}ss"
    static let decomposed = "pae\u{301}ss"

    static func stored(_ text: String) -> StoredSecret {
        StoredSecret(arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf", name: "s", versionId: "v1", stages: ["AWSCURRENT"], payload: .string(SecretValue(text)))
    }

    static func secret(whole: String? = nil, keys: [(String, String)] = []) -> MigrationPlan.Secret {
        MigrationPlan.Secret(
            name: "s", kind: "generated", keys: keys.map { ($0.0, SecretValue($0.1)) }, whole: whole.map(SecretValue.init), action: .create, sites: [],
            services: [])
    }

    @Test("another Unicode spelling of a value is a conflict, not unchanged, for whole secrets and JSON keys alike; the end check agrees")
    func unicodeSpellingsAreDifferentValues() {
        #expect(Self.composed == Self.decomposed, "Swift's String equality takes them as one")
        let whole = Self.secret(whole: Self.composed)
        #expect(MigrationOperation.action(for: whole, existing: Self.stored(Self.decomposed), updateExisting: false) == .conflict)
        #expect(MigrationOperation.action(for: whole, existing: Self.stored(Self.composed), updateExisting: false) == .unchanged)
        let keyed = Self.secret(keys: [("password", Self.composed)])
        #expect(MigrationOperation.action(for: keyed, existing: Self.stored(#"{"password":"\#(Self.decomposed)"}"#), updateExisting: false) == .conflict)
        #expect(MigrationOperation.action(for: keyed, existing: Self.stored(#"{"password":"\#(Self.composed)"}"#), updateExisting: false) == .unchanged)
        #expect(!MigrationOperation.holds(Self.stored(#"{"password":"\#(Self.decomposed)"}"#), keyed))
        #expect(MigrationOperation.holds(Self.stored(#"{"password":"\#(Self.composed)"}"#), keyed))
        #expect(!MigrationOperation.holds(Self.stored(Self.decomposed), whole))
    }

    @Test("a stored JSON secret with members that are not strings: its matching keys count, and an update keeps every other member")
    func membersOfAnyType() {
        let stored = Self.stored(#"{"bankPin":"old","owner":"treasury-team","retries":3,"tls":true,"port":5432}"#)
        let same = Self.secret(keys: [("bankPin", "old")])
        #expect(MigrationOperation.action(for: same, existing: stored, updateExisting: false) == .unchanged)
        #expect(MigrationOperation.holds(stored, same))
        #expect(MigrationOperation.action(for: Self.secret(keys: [("owner", "treasury-team"), ("region", "eu")]), existing: stored, updateExisting: false) == .addKeys)
        // A value read from a file is text: it never equals a stored number.
        #expect(MigrationOperation.action(for: Self.secret(keys: [("retries", "3")]), existing: stored, updateExisting: false) == .conflict)
        #expect(!MigrationOperation.holds(stored, Self.secret(keys: [("retries", "3")])))

        let changed = Self.secret(keys: [("bankPin", "new")])
        #expect(MigrationOperation.action(for: changed, existing: stored, updateExisting: true) == .update)
        let written = changed.secretString(mergingOver: MigrationOperation.jsonObject(stored))
        #expect(written == #"{"bankPin":"new","owner":"treasury-team","port":5432,"retries":3,"tls":true}"#, "\(written)")
    }
}
