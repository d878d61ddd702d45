/// One file of a bundle, relative to the output folder.
public struct BundleFile: Sendable, Hashable {
    public var path: String
    public var bytes: [UInt8]
    /// `0o600` for files that hold secret values, `0o644` otherwise.
    public var mode: UInt32

    public init(path: String, bytes: [UInt8], mode: UInt32) {
        self.path = path
        self.bytes = bytes
        self.mode = mode
    }
}
