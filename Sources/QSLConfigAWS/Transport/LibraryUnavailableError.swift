/// A C library qsl-config loads on first use (libcurl for the transport, libcrypto for SigV4)
/// could not be loaded: missing, or not the library it should be. Not a network failure, so never
/// retried; the message names the library file and the Debian package to install.
public struct LibraryUnavailableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `libcurl` or `libcrypto`.
    public let library: String
    /// What the loader said, with the package to install.
    public let message: String

    public init(library: String, message: String) {
        self.library = library
        self.message = message
    }

    public var description: String { message }
}
