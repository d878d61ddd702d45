#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore
import QSLCrypto

/// AWS Signature Version 4 for request headers.
///
/// A pure function of the request, the credentials, the region, the service and the date: no
/// clock, no I/O. The stages are named after the steps of the AWS document
/// ("Create a signed AWS API request"): ``canonicalRequest(for:signedHeaders:payloadHash:)``,
/// ``stringToSign(canonicalRequest:date:)``, ``signingKey(secretAccessKey:date:)`` and
/// ``signature(signingKey:stringToSign:)``; ``sign(_:credentials:date:)`` chains them.
/// The published vectors in `conformance/sigv4` pin every stage.
///
/// The hashes are libcrypto's, loaded on first use: signing cannot throw, so without libcrypto it
/// stops with the loader's message (library and package). Call `Crypto.loadLibrary()` first to
/// have that as an error; `AWSClient` does, and throws ``LibraryUnavailableError``.
///
/// ```swift
/// let signer = SigV4Signer(region: "eu-west-1", service: "secretsmanager")
/// let signed = signer.sign(request, credentials: credentials, date: Date())
/// try await transport.send(signed.request)
/// ```
public struct SigV4Signer: Sendable {
    /// Choices the conformance vectors exercise; the defaults suit every service this package calls.
    public struct Options: Sendable, Hashable {
        /// Remove `.`/`..` segments and repeated slashes from the path before signing
        /// (every service but S3).
        public var normalizePath: Bool
        /// Add and sign an `x-amz-content-sha256` header carrying the payload hash.
        public var addContentSHA256Header: Bool
        /// Sign `X-Amz-Security-Token`; when `false` the token is still sent but left out of
        /// `SignedHeaders` (a few services require this).
        public var signSessionToken: Bool
        /// The request's `path` is decoded, and the path sent is it percent-encoded; every
        /// service but S3 signs the path as sent encoded once more, so `/a b/` is sent as
        /// `/a%20b/` and signed as `/a%2520b/`. `false` signs `path` encoded once: for a `path`
        /// that is already the path as sent (the published vectors' request lines), or S3.
        public var doubleEncodePath: Bool

        public init(normalizePath: Bool = true, addContentSHA256Header: Bool = false, signSessionToken: Bool = true, doubleEncodePath: Bool = true) {
            self.normalizePath = normalizePath
            self.addContentSHA256Header = addContentSHA256Header
            self.signSessionToken = signSessionToken
            self.doubleEncodePath = doubleEncodePath
        }
    }

    /// The result of signing, with every intermediate stage kept for diagnostics and tests.
    ///
    /// Printed, it shows the request (credential headers redacted) and the string to sign; the
    /// canonical request (which holds the session token) and the signature are left out.
    public struct Signed: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The request with `X-Amz-Date`, `Authorization` and, when needed,
        /// `X-Amz-Security-Token` and `x-amz-content-sha256` added.
        public var request: AWSHTTPRequest
        public var canonicalRequest: String
        public var stringToSign: String
        /// Lower-case hex HMAC-SHA256 of the string to sign.
        public var signature: String

        public var description: String {
            "SigV4Signer.Signed(request: \(request), stringToSign: \(stringToSign.debugDescription), signature: \(SecretValue.redactionMarker))"
        }

        public var debugDescription: String { description }
    }

    public static let algorithm = "AWS4-HMAC-SHA256"

    public let region: String
    public let service: String
    public let options: Options

    public init(region: String, service: String, options: Options = Options()) {
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs `request` with `credentials` as of `date`.
    ///
    /// - Parameters:
    ///   - request: the request to sign; it must carry a `Host` header or a `host`.
    ///   - credentials: the access key, secret key and optional session token.
    ///   - date: the signing time; AWS rejects requests more than five minutes off.
    /// - Returns: the signed request and each intermediate stage.
    public func sign(_ request: AWSHTTPRequest, credentials: AWSCredentials, date: Date) -> Signed {
        let stamp = SigV4Date(date)
        var signing = request
        if signing.headers["host"] == nil {
            signing.headers.add(name: "Host", value: request.hostHeader)
        }
        if let token = credentials.sessionToken {
            signing.headers.replaceOrAdd(name: "X-Amz-Security-Token", value: token.unsafeRevealed)
        }
        signing.headers.replaceOrAdd(name: "X-Amz-Date", value: stamp.dateTime)
        let payloadHash = Crypto.hex(Crypto.sha256(request.body))
        if options.addContentSHA256Header {
            signing.headers.replaceOrAdd(name: "x-amz-content-sha256", value: payloadHash)
        }

        let excluded: Set<String> = options.signSessionToken ? [] : ["x-amz-security-token"]
        let canonical = canonicalRequest(for: signing, excludingHeaders: excluded, payloadHash: payloadHash)
        let toSign = stringToSign(canonicalRequest: canonical.text, date: date)
        let key = signingKey(secretAccessKey: credentials.secretAccessKey, date: date)
        let signatureHex = signature(signingKey: key, stringToSign: toSign)

        signing.headers.replaceOrAdd(
            name: "Authorization",
            value: "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope(stamp)), "
                + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signatureHex)"
        )
        return Signed(request: signing, canonicalRequest: canonical.text, stringToSign: toSign, signature: signatureHex)
    }

    /// Step 1: the canonical request.
    ///
    /// `METHOD\nCanonicalURI\nCanonicalQuery\nCanonicalHeaders\n\nSignedHeaders\nPayloadHash`,
    /// signing every header of `request`.
    public func canonicalRequest(for request: AWSHTTPRequest, payloadHash: String) -> String {
        canonicalRequest(for: request, excludingHeaders: [], payloadHash: payloadHash).text
    }

    /// Step 2: the string to sign: algorithm, request date, credential scope and the hex
    /// SHA-256 of the canonical request, one per line.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        let stamp = SigV4Date(date)
        return "\(Self.algorithm)\n\(stamp.dateTime)\n\(scope(stamp))\n\(Crypto.hex(Crypto.sha256(canonicalRequest)))"
    }

    /// Step 3: the signing key, `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    public func signingKey(secretAccessKey: SecretValue, date: Date) -> [UInt8] {
        let stamp = SigV4Date(date)
        let dateKey = Crypto.hmacSHA256(key: Array("AWS4\(secretAccessKey.unsafeRevealed)".utf8), message: stamp.date)
        let regionKey = Crypto.hmacSHA256(key: dateKey, message: region)
        let serviceKey = Crypto.hmacSHA256(key: regionKey, message: service)
        return Crypto.hmacSHA256(key: serviceKey, message: "aws4_request")
    }

    /// Step 4: the signature, lower-case hex of `HMAC(signingKey, stringToSign)`.
    public func signature(signingKey: [UInt8], stringToSign: String) -> String {
        Crypto.hex(Crypto.hmacSHA256(key: signingKey, message: stringToSign))
    }

    /// `yyyyMMdd/region/service/aws4_request`.
    func scope(_ stamp: SigV4Date) -> String {
        "\(stamp.date)/\(region)/\(service)/aws4_request"
    }
}

extension SigV4Signer {
    struct CanonicalRequest {
        var text: String
        var signedHeaders: String
    }

    func canonicalRequest(
        for request: AWSHTTPRequest,
        excludingHeaders excluded: Set<String>,
        payloadHash: String
    ) -> CanonicalRequest {
        let path = options.normalizePath ? SigV4Encoding.normalizePath(request.path) : request.path
        let sent = SigV4Encoding.encodePath(path)
        let uri = options.doubleEncodePath ? SigV4Encoding.encodePath(sent) : sent
        let query = SigV4Encoding.canonicalQuery(request.query)

        // Group by lower-cased name, keeping the order values appeared in.
        var grouped: [String: [String]] = [:]
        for field in request.headers {
            let name = field.name.lowercased()
            if excluded.contains(name) { continue }
            grouped[name, default: []].append(SigV4Encoding.canonicalHeaderValue(field.value))
        }
        let names = grouped.keys.sorted()
        var headerLines = ""
        for name in names {
            headerLines += name
            headerLines += ":"
            headerLines += grouped[name]!.joined(separator: ",")
            headerLines += "\n"
        }
        let signedHeaders = names.joined(separator: ";")
        let text = "\(request.method)\n\(uri)\n\(query)\n\(headerLines)\n\(signedHeaders)\n\(payloadHash)"
        return CanonicalRequest(text: text, signedHeaders: signedHeaders)
    }
}
