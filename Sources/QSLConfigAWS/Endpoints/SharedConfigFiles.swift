#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The shared AWS `config` and `credentials` files, parsed.
///
/// `[default]` and `[profile NAME]` sections of the config file and `[NAME]` sections of the
/// credentials file become profiles; where both files set a key, the credentials file wins.
/// `[services NAME]` sections keep their indented sub-settings as `service.key`
/// (`secrets_manager.endpoint_url`). Missing files are empty; a malformed line is an error
/// naming `file:line`.
package struct SharedConfigFiles: Sendable {
    var profiles: [String: [String: String]] = [:]
    var services: [String: [String: String]] = [:]
    var configPath: String
    var credentialsPath: String

    /// Where the shared files are: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/config` and `~/.aws/credentials`, a leading `~` or `~/` expanded to `HOME` (as the
    /// AWS CLI does). Shared with `SecretStoreFactory.awsIsConfigured`, so that the check and the
    /// credential chain look at the same files.
    package static func paths(environment: [String: String]) -> (config: String, credentials: String) {
        let home = environment["HOME"] ?? passwordDatabaseHome()
        func expand(_ path: String) -> String {
            path == "~" ? home : path.hasPrefix("~/") ? home + path.dropFirst() : path
        }
        return (
            expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config"),
            expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials")
        )
    }

    /// The home directory the password database gives the effective user (`getpwuid_r`), for
    /// an environment without `HOME`; `/` when it has none.
    static func passwordDatabaseHome() -> String {
        var size = max(Int(sysconf(Int32(_SC_GETPW_R_SIZE_MAX))), 1024)
        while true {
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let (code, home) = buffer.withUnsafeMutableBufferPointer { buffer -> (Int32, String?) in
                let code = getpwuid_r(geteuid(), &entry, buffer.baseAddress!, buffer.count, &found)
                // `found` points at `entry` only for the call's duration (an inout pointer), so
                // the entry is read from `entry` itself; `pw_dir` points into the buffer, and is
                // copied before the buffer goes.
                guard code == 0, found != nil, let directory = entry.pw_dir else { return (code, nil) }
                return (code, String(cString: directory))
            }
            if code == ERANGE, size < 1 << 20 {
                size *= 4
                continue
            }
            return home.flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        }
    }

    static func load(environment: [String: String]) throws(AWSConfigurationError) -> SharedConfigFiles {
        let (configPath, credentialsPath) = paths(environment: environment)
        var files = SharedConfigFiles(configPath: configPath, credentialsPath: credentialsPath)

        for section in try parse(path: configPath) {
            if section.name == "default" {
                files.profiles["default", default: [:]].merge(section.values) { $1 }
            } else if section.name.hasPrefix("profile ") {
                let name = section.name.dropFirst("profile ".count).trimmingWhitespace()
                files.profiles[name, default: [:]].merge(section.values) { $1 }
            } else if section.name.hasPrefix("services ") {
                let name = section.name.dropFirst("services ".count).trimmingWhitespace()
                files.services[name, default: [:]].merge(section.values) { $1 }
            }
        }
        for section in try parse(path: credentialsPath) {
            files.profiles[section.name, default: [:]].merge(section.values) { $1 }
        }
        return files
    }

    struct Section {
        var name: String
        var values: [String: String]
    }

    /// Far above any real shared file; a bigger one is a mistake, not configuration.
    static let maxFileBytes = 4 << 20

    static func parse(path: String) throws(AWSConfigurationError) -> [Section] {
        // Nothing at the path is an empty file, as for the AWS CLI; a directory or an unreadable
        // file is an error that says which.
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, maxBytes: maxFileBytes)
        } catch {
            throw AWSConfigurationError(
                .malformedSharedFile, "\(path): \(error.message); check that it is a readable AWS shared config file.")
        }
        return try parse(text: String(decoding: bytes, as: UTF8.self), path: path)
    }

    static func parse(text: String, path: String) throws(AWSConfigurationError) -> [Section] {
        var sections: [Section] = []
        var parentKey: String?
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let lineNumber = offset + 1
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else {
                    throw AWSConfigurationError(.malformedSharedFile, "\(path):\(lineNumber): section header `\(trimmed)` has no closing `]`.")
                }
                let name = trimmed.dropFirst().dropLast().trimmingWhitespace()
                sections.append(Section(name: name, values: [:]))
                parentKey = nil
                continue
            }
            guard !sections.isEmpty else {
                throw AWSConfigurationError(.malformedSharedFile, "\(path):\(lineNumber): setting outside any `[section]`; put it under a profile.")
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw AWSConfigurationError(.malformedSharedFile, "\(path):\(lineNumber): expected `key = value`.")
            }
            let key = trimmed[..<equals].trimmingWhitespace().lowercased()
            let value = trimmed[trimmed.index(after: equals)...].trimmingWhitespace()
            let indented = line.first == " " || line.first == "\t"
            if indented, let parentKey {
                sections[sections.count - 1].values["\(parentKey).\(key)"] = value
            } else if value.isEmpty {
                parentKey = key
            } else {
                parentKey = nil
                sections[sections.count - 1].values[key] = value
            }
        }
        return sections
    }
}
