#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

/// An access key pair, an optional session token, when it expires, and where it came from.
///
/// The secret key and the session token are ``SecretValue``s, so printing a credential
/// (or an error that holds one) never shows them.
///
/// ```swift
/// let credentials = AWSCredentials(
///     accessKeyId: "AKIDEXAMPLE",
///     secretAccessKey: SecretValue(secret),
///     source: "explicit options")
/// print(credentials)   // AWSCredentials(AKIDEXAMPLE from explicit options)
/// ```
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: SecretValue
    public var sessionToken: SecretValue?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: Date?
    /// Where the credentials were found, e.g. `environment`, `profile default (static)`,
    /// `assume-role via profile ops`, `web-identity`, `container`, `imds`.
    public var source: String

    public init(
        accessKeyId: String,
        secretAccessKey: SecretValue,
        sessionToken: SecretValue? = nil,
        expiration: Date? = nil,
        source: String
    ) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    public var description: String {
        "AWSCredentials(\(accessKeyId) from \(source)\(expiration.map { ", expires \($0)" } ?? ""))"
    }
}
