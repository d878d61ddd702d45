import QSLConfigCore
import QSLCrypto

/// New values for `generated` secrets: random, of the policy's length, from an alphabet that
/// cannot break the strings they live in.
///
/// The alphabet is letters, digits and `-_.~!#%^*+`. It leaves out `;`, `,`, `=`, quotes, `\`,
/// `@`, `:` and `/`, which delimit Npgsql and StackExchange.Redis strings and URL user-info, and
/// `$`, `{`, `}`, so that a value never reads as a configuration reference.
enum GeneratedSecret {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!#%^*+".utf8)

    /// Characters a generated value never holds.
    static let excluded: Set<Character> = [";", ",", "=", "\"", "'", "\\", "@", ":", "/", "$", "{", "}", " "]

    /// A random value of `length` characters, by rejection sampling over the CSPRNG so every
    /// character is equally likely.
    static func value(length: Int) throws(CryptoError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        let limit = 256 - (256 % alphabet.count)
        while out.count < length {
            for byte in try Crypto.randomBytes(length * 2) where Int(byte) < limit && out.count < length {
                out.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The next version of a generated secret: the whole string regenerated, or, for a JSON
    /// secret, only `keys` (the `qsl:generated-keys` tag) regenerated and every other member kept
    /// as it was.
    ///
    /// - Throws: When the secret is a JSON object and `keys` is empty or names a member it lacks,
    ///   or when the current value is JSON but not an object of strings.
    static func next(current: String, keys: [String], length: Int, secret: String) throws(RotationError) -> String {
        let trimmed = current.drop { $0 == " " || $0 == "\n" || $0 == "\t" }
        guard trimmed.first == "{" else {
            guard keys.isEmpty else {
                throw RotationError(secret: secret, step: .create, "the tag qsl:generated-keys names JSON keys, but the secret is not a JSON object")
            }
            do { return try value(length: length) } catch { throw RotationError(secret: secret, step: .create, "no random bytes: \(error)", isStoreFailure: true) }
        }
        guard let object = SortedJSON.object(current) else {
            throw RotationError(secret: secret, step: .create, "the secret starts like JSON but is not a JSON object")
        }
        guard !keys.isEmpty else {
            throw RotationError(
                secret: secret, step: .create,
                "the secret is a JSON object; name the keys to regenerate in its tag qsl:generated-keys (space-separated: AWS tag values allow no comma), the others are kept")
        }
        var next: [String: Any] = object
        for key in keys {
            guard object[key] != nil else {
                throw RotationError(secret: secret, step: .create, "the tag qsl:generated-keys names '\(key)', which the secret does not hold")
            }
            do { next[key] = try value(length: length) } catch { throw RotationError(secret: secret, step: .create, "no random bytes: \(error)", isStoreFailure: true) }
        }
        return SortedJSON.compact(next)
    }
}
