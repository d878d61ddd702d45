/// The message one of the project's C library loaders (`qsl_curl_load`, `qsl_pq_probe`, ...)
/// writes when it fails: each takes a buffer and its size, returns 0 when the library is (or
/// would be) loaded, and otherwise fills the buffer with why, naming the library and the Debian
/// package to install, never data.
///
/// ```swift
/// if let failure = LibraryLoaderMessage.failure({ qsl_pq_load($0, $1) }) { throw ... }
/// ```
public enum LibraryLoaderMessage {
    /// `nil` when `load` succeeds, else the message it wrote. `load` is called once without a
    /// buffer first: a library loaded already (every call after the first, on a hot path such as
    /// signing or sending) costs no message buffer; only a failure is asked again for its message.
    public static func failure(_ load: (UnsafeMutablePointer<CChar>?, Int) -> Int32) -> String? {
        guard load(nil, 0) != 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1024) { buffer in
            buffer.initialize(repeating: 0)
            guard load(buffer.baseAddress, buffer.count) != 0 else { return nil }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
