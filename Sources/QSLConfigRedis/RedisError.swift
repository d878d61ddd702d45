/// Why a Redis step failed. Names the step, the host and the user; never a password (the
/// server's own text is shown with the command's secrets replaced by `***`).
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The host name did not resolve.
        case resolve
        /// The TCP connection was refused or failed.
        case connect
        /// The TLS handshake failed: certificate verification, host name, protocol; or OpenSSL
        /// (libssl, or the libcrypto password hashes need) could not be loaded.
        case tls
        /// The connect timeout or the command's deadline passed.
        case timeout
        /// The server closed the connection, or an earlier failure left it unusable.
        case closed
        /// Reading or writing the socket failed.
        case io
        /// The server's reply was not RESP, or not the shape the command expects.
        case protocolError
        /// `WRONGPASS` (or an older server's `invalid password`): the user or password is wrong,
        /// or the user is disabled.
        case authenticationFailed
        /// `ACL SETUSER user <password` for a password the user does not have: for a rotation
        /// removing an old password, the removal is already done.
        case passwordNotSet
        /// Any other error reply (`ERR`, `NOPERM`, ...); ``RedisError/serverCode`` has its code.
        case server
    }

    public var kind: Kind
    /// What was being done: `connect`, `TLS handshake`, `AUTH`, `ACL SETUSER qsl_app`, ...
    public var step: String
    public var host: String
    public var port: Int
    /// The user the connection authenticates (or authenticated) as, when known.
    public var user: String?
    /// The first word of a server error reply (`WRONGPASS`, `ERR`, `NOPERM`).
    public var serverCode: String?
    /// What went wrong, secrets redacted.
    public var detail: String

    public var description: String {
        let who = user.map { " as user \($0)" } ?? ""
        return "Redis \(step) at \(host):\(port)\(who) failed: \(detail)"
    }
}
