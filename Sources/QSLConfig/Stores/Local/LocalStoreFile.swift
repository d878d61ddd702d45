#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore
import QSLCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The on-disk form of the embedded local store: one JSON envelope holding the whole store
/// encrypted with AES-256-GCM.
///
/// ```json
/// {"format": "qsl-local-store", "version": 1, "cipher": "AES-256-GCM", "data": "<base64>"}
/// ```
///
/// The key comes from `QSL_LOCAL_STORE_KEY` (base64 of 32 bytes) or from the key file beside the
/// store (`<store>.key`, created with mode 0600 on first use). Writes are atomic and serialised
/// by an exclusive `flock` on `<store>.lock` (beside the file a symbolic link leads to), so
/// concurrent writers never lose an update.
struct LocalStoreFile: Sendable, CustomReflectable {
    static let format = "qsl-local-store"
    static let associatedData = Array("qsl-local-store/v1".utf8)

    let path: String
    let environmentKey: String?

    var keyPath: String { path + ".key" }

    /// The path, and whether a key came from the environment, never the key.
    var customMirror: Mirror {
        Mirror(self, children: ["path": path, "keyFromEnvironment": environmentKey != nil], displayStyle: .struct)
    }

    struct Envelope: Codable {
        var format: String
        var version: Int
        var cipher: String
        var data: String
    }

    /// The store's contents. A store that does not exist yet is empty, and reading it creates
    /// nothing. No lock is needed: writers replace the file with one atomic `rename`, and the key
    /// exists before the first store file does.
    func read() throws(StoreError) -> LocalStoreContents {
        try checkStorePath()
        guard FileBytes.exists(path) else { return LocalStoreContents() }
        return try decrypt(path).contents
    }

    /// Reads, lets `update` change the contents, and writes the result back atomically, all
    /// under an exclusive lock. Only a store that does not exist yet gets a new key: an existing
    /// store whose key is missing is an error, never re-keyed.
    func update<T>(_ update: (inout LocalStoreContents) throws(StoreError) -> T) throws(StoreError) -> T {
        try checkStorePath()
        // Resolved once: the file locked is the file written, even if the link is repointed.
        let file = try storeFile()
        let lock = try acquire(.exclusive, beside: file)
        let result = Result { () throws(StoreError) -> T in
            var (contents, key): (LocalStoreContents, [UInt8])
            // The file locked is also the file read: read through the link, a repointed link
            // would have another store's secrets written over this one.
            if FileBytes.exists(file) {
                (contents, key) = try decrypt(file)
            } else {
                (contents, key) = (LocalStoreContents(), try loadKey(create: true))
            }
            let value = try update(&contents)
            try write(contents, key: key, to: file)
            return value
        }
        lock.release()
        return try result.get()
    }

    /// A store path that names something other than a file (a folder given as `--local-store`)
    /// is refused, instead of reading as an empty store whose every secret "does not exist".
    private func checkStorePath() throws(StoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // missing: an empty store
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
            throw StoreError(.invalidRequest, "local store \(path) is a directory; name the store file inside it (for example \(path.hasSuffix("/") ? path : path + "/")local-store.json)")
        }
        guard type == S_IFREG else {
            throw StoreError(.invalidRequest, "local store \(path) is not a regular file")
        }
    }

    /// The file the store path leads to: the path itself, or the file a symbolic link leads to,
    /// so that writers reaching one store through a link and through its own path take the
    /// same lock and write the same file. (The key file stays beside the path given: existing
    /// set-ups keep their key there.) A link that leads to no file is refused, before anything
    /// is read or created: the write would be refused at the end, and until the file exists its
    /// lock cannot be told.
    private func storeFile() throws(StoreError) -> String {
        guard AtomicFile.isSymbolicLink(path) else { return path }
        guard let target = AtomicFile.realPath(path) else {
            throw StoreError(
                .invalidRequest,
                "local store \(path) is a symbolic link that leads to no file; create the store where it leads, or name the store's own path")
        }
        return target
    }

    /// The lock on the store `file` (``storeFile()``), `file.lock`.
    private func acquire(_ kind: FileLock.Kind, beside file: String) throws(StoreError) -> FileLock {
        do throws(Diagnostic) {
            try AtomicFile.createDirectory(AtomicFile.parentDirectory(of: path))
            return try FileLock(path: file + ".lock", kind: kind)
        } catch {
            throw StoreError(.unavailable, "local store \(path): \(error.message)")
        }
    }

    /// The existing store's contents and the key that opened it. The file is checked to be a
    /// store before the key is looked for, so a stray file is named as such.
    private func decrypt(_ file: String) throws(StoreError) -> (contents: LocalStoreContents, key: [UInt8]) {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(file) } catch { throw StoreError(.unavailable, "local store \(path): \(error.message)") }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(bytes)), envelope.format == Self.format else {
            throw StoreError(.unavailable, "local store \(path) is not a qsl-config local store file")
        }
        guard envelope.version == 1, envelope.cipher == "AES-256-GCM", let sealed = Data(base64Encoded: envelope.data) else {
            throw StoreError(.unavailable, "local store \(path) uses an unsupported format version \(envelope.version)")
        }
        let key = try loadKey(create: false)
        // A missing libcrypto is said as such, not as a wrong key.
        do { try Crypto.loadLibrary() } catch { throw StoreError(.unavailable, "local store \(path): \(error)") }
        let plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(Array(sealed), key: key, associatedData: Self.associatedData)
        } catch {
            throw StoreError(.unavailable, "local store \(path) cannot be decrypted with \(keySourceDescription): the key is wrong or the file was altered")
        }
        do {
            return (try JSONDecoder().decode(LocalStoreContents.self, from: Data(plaintext)), key)
        } catch {
            throw StoreError(.unavailable, "local store \(path) holds data this version cannot read")
        }
    }

    private func write(_ contents: LocalStoreContents, key: [UInt8], to file: String) throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let plaintext = Array(try encoder.encode(contents))
            let sealed = try AESGCM.seal(plaintext, key: key, associatedData: Self.associatedData)
            let envelope = Envelope(format: Self.format, version: 1, cipher: "AES-256-GCM", data: Data(sealed).base64EncodedString())
            try AtomicFile.write(Array(try encoder.encode(envelope)) + [0x0A], to: file, mode: 0o600, followingLinks: true)
        } catch let error as Diagnostic {
            throw StoreError(.unavailable, "local store \(path): \(error.message)")
        } catch {
            throw StoreError(.unavailable, "local store \(path) could not be written: \(error)")
        }
    }

    /// A key file that its group or others may read (or write) is refused, as ssh refuses such a
    /// private key: the key opens every secret of the store. Checked before the key is read.
    private func checkKeyFileMode() throws(StoreError) {
        var info = stat()
        guard stat(keyPath, &info) == 0 else { return }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw StoreError(
                .invalidRequest,
                "the key file \(keyPath) has mode \(String(mode, radix: 8)), so its group or others can use it; run `chmod 600 \(keyPath)`")
        }
    }

    var keySourceDescription: String {
        environmentKey != nil ? "the key in QSL_LOCAL_STORE_KEY" : "the key file \(keyPath)"
    }

    /// The 32-byte key: from the environment, from the key file, or (with `create`, for a store
    /// about to be written for the first time) a new random key written to the key file, mode 0600.
    private func loadKey(create: Bool) throws(StoreError) -> [UInt8] {
        if let environmentKey {
            guard let key = Data(base64Encoded: environmentKey.trimmingWhitespaceAndNewlines()), key.count == 32 else {
                throw StoreError(.invalidRequest, "QSL_LOCAL_STORE_KEY must be the base64 encoding of exactly 32 bytes")
            }
            return Array(key)
        }
        if FileBytes.exists(keyPath) {
            try checkKeyFileMode()
            let text: [UInt8]
            do { text = try FileBytes.read(keyPath, maxBytes: 1024) } catch { throw StoreError(.unavailable, "local store key \(keyPath): \(error.message)") }
            guard let key = Data(base64Encoded: String(decoding: text, as: UTF8.self).trimmingWhitespaceAndNewlines()), key.count == 32 else {
                throw StoreError(.invalidRequest, "the key file \(keyPath) must hold the base64 encoding of exactly 32 bytes")
            }
            return Array(key)
        }
        guard create else {
            throw StoreError(.unavailable, "local store \(path) exists but its key file \(keyPath) is missing; set QSL_LOCAL_STORE_KEY or restore the key file")
        }
        do {
            let key = try Crypto.randomBytes(32)
            try AtomicFile.write(Array((Data(key).base64EncodedString() + "\n").utf8), to: keyPath, mode: 0o600)
            return key
        } catch let error as Diagnostic {
            throw StoreError(.unavailable, "local store key \(keyPath): \(error.message)")
        } catch {
            throw StoreError(.unavailable, "local store key \(keyPath) could not be created: \(error)")
        }
    }
}

/// Everything the local store holds, as it is encrypted on disk.
struct LocalStoreContents: Codable, Sendable {
    struct Version: Codable, Sendable {
        var versionId: String
        var stages: [String]
        var string: String?
        var binary: String?
        var created: Double
    }

    struct Secret: Codable, Sendable {
        var name: String
        var arn: String
        var description: String?
        var kmsKeyId: String?
        var tags: [String: String]
        /// Oldest first.
        var versions: [Version]
        var created: Double
        var lastChanged: Double
        var lastRotated: Double?
    }

    struct Parameter: Codable, Sendable {
        var name: String
        var type: String
        /// Values of every version, oldest first; version n is at index n-1.
        var values: [String]
        var labels: [String: Int]
    }

    var secrets: [String: Secret] = [:]
    var parameters: [String: Parameter] = [:]
}
