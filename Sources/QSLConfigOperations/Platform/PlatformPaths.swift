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

/// The rules every name and path of a platform root's definitions follow, checked in code
/// whatever the files' `$schema` says:
///
/// - a service id or environment name is a plain name: ASCII letters, digits, `.`, `-`, `_`,
///   starting with a letter or digit, at most 128 characters (a service id names its bundle's
///   output folder, an environment name its file);
/// - a folder or file the definitions name is relative and stays inside the root: written
///   out, its `..` components never climb above the root, and once its symbolic links are
///   resolved it still lies inside the root's own real path; so do the `appsettings*.json`
///   files of the service and shared folders.
///
/// ```swift
/// PlatformPaths.isPlainName("userservice")                                   // true
/// PlatformPaths.escape(of: "../../etc", from: "environments", root: ".")      // "leads outside the platform root"
/// ```
public enum PlatformPaths {
    /// The longest plain name.
    public static let maxNameLength = 128

    /// Whether `name` is a plain name (see the type's rules).
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= maxNameLength, isLetterOrDigit(first) else { return false }
        return name.utf8.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// Why `path`, relative to the folder `base` (itself relative to `root`, `""` for the root),
    /// does not stay inside `root`; `nil` when it does. A path that does not exist is checked as
    /// written only (whoever reads it reports it missing).
    public static func escape(of path: String, from base: String, root: String) -> String? {
        if path.isEmpty { return "is empty" }
        if path.hasPrefix("/") { return "is absolute; write it relative to the platform root" }
        if path.utf8.contains(0) { return "holds a NUL character" }
        var depth = 0
        for component in (base.split(separator: "/") + path.split(separator: "/")) where component != "." {
            if component == ".." {
                depth -= 1
                if depth < 0 { return "leads outside the platform root" }
            } else {
                depth += 1
            }
        }
        let full = PlatformRoot.join(PlatformRoot.join(root, base), path)
        guard let rootReal = realPath(root), let target = realPath(full) else { return nil }
        if rootReal != "/" && target != rootReal && !target.hasPrefix(rootReal + "/") {
            return "leads outside the platform root through a symbolic link (to \(target))"
        }
        return nil
    }

    /// The `appsettings*.json` files of `folder` (relative to `root`) that are symbolic links
    /// leading outside the root, by name: a folder inside the root must not hand its service a
    /// file from elsewhere.
    public static func linkedFilesEscaping(folder: String, root: String) -> [String] {
        let path = PlatformRoot.join(root, folder)
        guard let rootReal = realPath(root), let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.sorted().filter { name in
            guard name.hasPrefix("appsettings"), name.hasSuffix(".json"), let target = realPath(path + "/" + name) else { return false }
            return rootReal != "/" && !target.hasPrefix(rootReal + "/")
        }
    }

    /// The canonical path, every symbolic link resolved; `nil` when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path.isEmpty ? "." : path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

extension ServiceCatalogue {
    /// Every id, folder and schema path of the catalogue that breaks ``PlatformPaths``' rules,
    /// and every id listed twice (ids are compared ignoring case, as ``service(_:)`` finds
    /// them), each at its place in `document`, the catalogue file.
    func pathProblems(in document: JSONDocument, root: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func at(_ value: JSONValue?, _ fallback: JSONValue?) -> SourceLocation {
            (value ?? fallback)?.location ?? SourceLocation(file: document.file, line: 1, column: 1, offset: 0)
        }
        if let shared {
            let entry = document.root["shared"]
            if let reason = PlatformPaths.escape(of: shared.folder, from: "", root: root) {
                problems.append(Diagnostic(at: at(entry?["folder"], entry), "the shared folder \(shared.folder) \(reason)", rule: "catalogue-path"))
            } else {
                for name in PlatformPaths.linkedFilesEscaping(folder: shared.folder, root: root) {
                    problems.append(
                        Diagnostic(at: at(entry?["folder"], entry), "\(shared.folder)/\(name) leads outside the platform root through a symbolic link", rule: "catalogue-path"))
                }
            }
        }
        var seen: [String: String] = [:]
        for (index, service) in services.enumerated() {
            let entry = document.root["services"]?[index]
            if !PlatformPaths.isPlainName(service.id) {
                problems.append(
                    Diagnostic(
                        at: at(entry?["id"], entry),
                        "service id \(JSONStringEncoding.quoted(service.id)) is not a plain name (letters, digits, '.', '-' and '_', starting with a letter or digit); it names the service's bundle folder",
                        rule: "catalogue-path"))
            } else if let first = seen[service.id.lowercased()] {
                problems.append(
                    Diagnostic(at: at(entry?["id"], entry), "service id \(service.id) is listed twice (as \(first) before); ids are compared ignoring case", rule: "catalogue-path"))
            } else {
                seen[service.id.lowercased()] = service.id
            }
            if let reason = PlatformPaths.escape(of: service.folder, from: "", root: root) {
                problems.append(Diagnostic(at: at(entry?["folder"], entry), "the folder of service \(service.id) \(reason)", rule: "catalogue-path"))
            } else {
                for name in PlatformPaths.linkedFilesEscaping(folder: service.folder, root: root) {
                    problems.append(
                        Diagnostic(
                            at: at(entry?["folder"], entry), "\(service.folder)/\(name) of service \(service.id) leads outside the platform root through a symbolic link",
                            rule: "catalogue-path"))
                }
            }
            if let schema = service.schema, let reason = PlatformPaths.escape(of: schema, from: "environments", root: root) {
                problems.append(Diagnostic(at: at(entry?["schema"], entry), "the schema of service \(service.id) \(reason)", rule: "catalogue-path"))
            }
        }
        return problems
    }
}
