#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Configuration folders the catalogue forgot: a folder under the catalogue's tree that holds
/// appsettings files but that `environments/services.json` does not list (nor name as its
/// shared folder) is a service nobody validates, bundles or deploys, so `validate` reports it
/// `[catalogue-unlisted]` at the folder's first appsettings file.
///
/// Which trees are searched: the first path segment of every folder the catalogue names
/// (`platform/` for `platform/src/UserService`), so the search stays inside the platform's own
/// data however large the repository around it is. A folder named at the root itself
/// (`"folder": "good"`) adds no tree. Hidden directories and symbolic links are not followed,
/// and the walk stops at ``maxDepth`` levels.
struct CatalogueCoverage {
    let root: PlatformRoot

    /// How deep below a tree's top the walk goes; the platform's folders are two levels down.
    static let maxDepth = 8

    /// One finding per unlisted folder, sorted by path.
    func unlistedFolders() -> [Diagnostic] {
        var listed: Set<String> = []
        var trees: Set<String> = []
        let folders = root.catalogue.services.map(\.folder) + (root.catalogue.shared.map { [$0.folder] } ?? [])
        for folder in folders {
            let normalized = Self.normalize(folder)
            listed.insert(normalized)
            let segments = normalized.split(separator: "/")
            if !folder.hasPrefix("/"), segments.count >= 2, segments[0] != ".." { trees.insert(String(segments[0])) }
        }
        var found: [Diagnostic] = []
        for tree in trees.sorted() {
            walk(tree, depth: 0, listed: listed, into: &found)
        }
        return found.sorted { ($0.location?.file ?? "") < ($1.location?.file ?? "") }
    }

    private func walk(_ relative: String, depth: Int, listed: Set<String>, into found: inout [Diagnostic]) {
        let path = PlatformRoot.join(root.path, relative)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        let settings = names.filter { Self.isAppsettingsFile($0) }.sorted()
        if let first = settings.first, !listed.contains(relative) {
            let file = PlatformRoot.join(path, settings.contains("appsettings.json") ? "appsettings.json" : first)
            found.append(
                Diagnostic(
                    at: SourceLocation(file: file, line: 1, column: 1, offset: 0),
                    "\(relative)/ holds appsettings files, but \(PlatformRoot.cataloguePath) does not list it, so no environment validates, "
                        + "bundles or deploys it; add a service entry with \"folder\": \"\(relative)\", or move the folder out of \(relative.split(separator: "/")[0])/",
                    rule: "catalogue-unlisted"))
        }
        guard depth < Self.maxDepth else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            // lstat: a symbolic link is not followed, whatever it points at.
            var info = stat()
            guard lstat(PlatformRoot.join(path, name), &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            walk(relative + "/" + name, depth: depth + 1, listed: listed, into: &found)
        }
    }

    /// `appsettings.json` and `appsettings.{Environment}.json`.
    static func isAppsettingsFile(_ name: String) -> Bool {
        name == "appsettings.json" || (name.hasPrefix("appsettings.") && name.hasSuffix(".json") && name.count > "appsettings..json".count)
    }

    /// A catalogue folder without `./`, empty segments or a trailing `/`.
    static func normalize(_ folder: String) -> String {
        folder.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }
}
