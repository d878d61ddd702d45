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
        escape(of: path, from: base, root: root, paths: RealPathCache())
    }

    /// ``escape(of:from:root:)`` resolving through `paths`, so a catalogue's many paths under
    /// one root resolve its directories once.
    static func escape(of path: String, from base: String, root: String, paths: RealPathCache) -> String? {
        if let reason = lexicalEscape(of: path, from: base) { return reason }
        let full = PlatformRoot.join(PlatformRoot.join(root, base), path)
        guard let rootReal = paths.real(root), let target = paths.real(full) else { return nil }
        if rootReal != "/" && target != rootReal && !target.hasPrefix(rootReal + "/") {
            return "leads outside the platform root through a symbolic link (to \(target))"
        }
        return nil
    }

    /// Why `path`, relative to `base`, leaves the root as written (empty, absolute, a NUL, or
    /// `..` climbing above the root); symbolic links are not looked at.
    static func lexicalEscape(of path: String, from base: String) -> String? {
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
        return nil
    }

    /// Whether `path`, relative to `base`, stays inside the root as written (see
    /// ``lexicalEscape(of:from:)``).
    static func staysInside(_ path: String, from base: String) -> Bool {
        lexicalEscape(of: path, from: base) == nil
    }

    /// The `appsettings*.json` files of `folder` (relative to `root`) that are symbolic links
    /// leading outside the root, by name: a folder inside the root must not hand its service a
    /// file from elsewhere.
    public static func linkedFilesEscaping(folder: String, root: String) -> [String] {
        linkedFilesEscaping(folder: folder, root: root, paths: RealPathCache())
    }

    static func linkedFilesEscaping(folder: String, root: String, paths: RealPathCache) -> [String] {
        let path = PlatformRoot.join(root, folder)
        guard let rootReal = paths.real(root), let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.sorted().filter { name in
            guard name.hasPrefix("appsettings"), name.hasSuffix(".json"), let target = paths.real(path + "/" + name) else { return false }
            return rootReal != "/" && !target.hasPrefix(rootReal + "/")
        }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

/// Real paths (every symbolic link resolved, as realpath(3) gives them), with each directory
/// resolved once: a path's parent is looked up or resolved first, then only its last component
/// is examined, with `lstat`. A symbolic link there, a `.` or `..` component, or a path with no
/// parent to split off goes to realpath(3) whole. One cache serves one check of a tree that
/// does not change meanwhile (the catalogue's folders, files and schemas under one root).
final class RealPathCache {
    private var known: [String: String?] = [:]

    /// The real path of `path`; `nil` when it does not exist.
    func real(_ path: String) -> String? {
        if let hit = known[path] { return hit }
        let result = resolve(path)
        known[path] = .some(result)
        return result
    }

    private func resolve(_ path: String) -> String? {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex else { return AtomicFile.realPath(path) }
        let last = String(path[path.utf8.index(after: slash)...])
        guard !last.isEmpty, last != ".", last != ".." else { return AtomicFile.realPath(path) }
        guard let parent = real(String(path[..<slash])) else { return nil }
        let candidate = parent == "/" ? "/" + last : parent + "/" + last
        var info = stat()
        guard lstat(candidate, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT == S_IFLNK ? AtomicFile.realPath(candidate) : candidate
    }
}

extension ServiceCatalogue {
    /// Every id, folder and schema path of the catalogue that breaks ``PlatformPaths``' rules,
    /// and every id listed twice (ids are compared ignoring case, as ``service(_:)`` finds
    /// them), each at its place in `document`, the catalogue file.
    func pathProblems(in document: JSONDocument, root: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let paths = RealPathCache()
        func at(_ value: JSONValue?, _ fallback: JSONValue?) -> SourceLocation {
            (value ?? fallback)?.location ?? SourceLocation(file: document.file, line: 1, column: 1, offset: 0)
        }
        if let shared {
            let entry = document.root["shared"]
            if let reason = PlatformPaths.escape(of: shared.folder, from: "", root: root, paths: paths) {
                problems.append(Diagnostic(at: at(entry?["folder"], entry), "the shared folder \(shared.folder) \(reason)", rule: "catalogue-path"))
            } else {
                for name in PlatformPaths.linkedFilesEscaping(folder: shared.folder, root: root, paths: paths) {
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
            if let reason = PlatformPaths.escape(of: service.folder, from: "", root: root, paths: paths) {
                problems.append(Diagnostic(at: at(entry?["folder"], entry), "the folder of service \(service.id) \(reason)", rule: "catalogue-path"))
            } else {
                for name in PlatformPaths.linkedFilesEscaping(folder: service.folder, root: root, paths: paths) {
                    problems.append(
                        Diagnostic(
                            at: at(entry?["folder"], entry), "\(service.folder)/\(name) of service \(service.id) leads outside the platform root through a symbolic link",
                            rule: "catalogue-path"))
                }
            }
            if let schema = service.schema, let reason = PlatformPaths.escape(of: schema, from: "environments", root: root, paths: paths) {
                problems.append(Diagnostic(at: at(entry?["schema"], entry), "the schema of service \(service.id) \(reason)", rule: "catalogue-path"))
            }
        }
        return problems
    }
}
