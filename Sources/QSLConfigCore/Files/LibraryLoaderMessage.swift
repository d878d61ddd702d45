/// The message one of the project's C library loaders (`qsl_curl_load`, `qsl_pq_probe`, ...)
/// writes when it fails: each takes a buffer and its size, returns 0 when the library is (or
/// would be) loaded, and otherwise fills the buffer with why, naming the library and the Debian
/// package to install, never data.
///
/// ```swift
/// if let failure = LibraryLoaderMessage.failure({ qsl_pq_load($0, $1) }) { throw ... }
/// ```
public enum LibraryLoaderMessage {
    /// `nil` when `load` succeeds, else the message it wrote.
    public static func failure(_ load: (UnsafeMutablePointer<CChar>?, Int) -> Int32) -> String? {
        var message = [CChar](repeating: 0, count: 1024)
        let status = message.withUnsafeMutableBufferPointer { load($0.baseAddress, $0.count) }
        guard status != 0 else { return nil }
        return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
