import QSLConfig
import QSLConfigCore

/// Whether the development store's seed file covers what the development services read: a
/// service that starts on a laptop against a freshly seeded local store must find every secret
/// (and every JSON key of it) and every parameter its configuration references, or it fails at
/// start-up with a message about a store nobody thinks of as broken. `validate` reports each
/// uncovered reference `[seed-missing]` at the reference's `FILE:LINE:COL`, naming the key.
///
/// When it runs (catalogue mode only): the environment allows plaintext secrets (development —
/// the only kind `qsl-config seed` writes to) and either its definition names a seed file
/// (`"seed": "platform/dev-seed.json"`, relative to the platform root) or, when it names none,
/// the conventional ``defaultPath`` exists under the root. A named file that does not exist, a
/// seed file that does not read, and seeded entries outside the environment's prefixes are
/// findings about the seed file itself (`[seed]`).
///
/// Only winning values count (a reference a higher layer replaces is never read), and a pinned
/// stage or version is not checked: seeding writes `AWSCURRENT`.
struct SeedCoverage {
    /// Where the platform keeps the development seed when the definition names none.
    static let defaultPath = "platform/dev-seed.json"

    let file: String
    let seed: StoreSeed

    /// The seed the environment uses, or `nil` when the check does not apply; problems with the
    /// seed file itself go to `problems`.
    static func load(root: PlatformRoot, environment: EnvironmentDefinition, problems: inout [Diagnostic]) -> SeedCoverage? {
        guard environment.allowsPlainSecrets else { return nil }
        let file: String
        if let named = environment.seed {
            file = PlatformRoot.join(root.path, named)
            guard FileBytes.exists(file) else {
                problems.append(
                    Diagnostic(
                        at: SourceLocation(file: root.environmentFile(environment.name), line: 1, column: 1, offset: 0),
                        "the seed file \(named) that \(environment.name)'s definition names does not exist", rule: "seed"))
                return nil
            }
        } else {
            file = PlatformRoot.join(root.path, defaultPath)
            guard FileBytes.exists(file) else { return nil }
        }
        do {
            let seed = try StoreSeed(file: file)
            problems += seed.entriesOutside(environment)
            return SeedCoverage(file: file, seed: seed)
        } catch {
            problems += error.diagnostics
            return nil
        }
    }

    /// One finding per reference in `sites` that the seed does not cover.
    func findings(for sites: [ValidationOperation.Site]) -> [Diagnostic] {
        let secrets = Dictionary(seed.secrets.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        let parameters = Set(seed.parameters.map(\.name))
        let shown = Self.displayName(file)
        var found: [Diagnostic] = []
        for site in sites {
            switch site.reference {
            case .secret(let reference):
                let name = PolicyCheck.secretName(reference)
                guard let entry = secrets[name] else {
                    found.append(
                        Diagnostic(
                            at: site.location, "'\(site.key)' refers to secret \(name), which \(shown) does not seed; add it under \"secrets\"",
                            rule: "seed-missing", keyPath: site.key.spelling))
                    continue
                }
                if let key = reference.jsonKey, !(entry.jsonKeys?.contains(key) ?? false) {
                    let has = entry.jsonKeys.map { $0.isEmpty ? "no keys" : "the keys " + $0.joined(separator: ", ") } ?? "a plain string"
                    found.append(
                        Diagnostic(
                            at: site.location,
                            "'\(site.key)' reads JSON key \(key) of secret \(name), but \(shown) seeds it with \(has); add \"\(key)\" to its object",
                            rule: "seed-missing", keyPath: site.key.spelling))
                }
            case .parameter(let reference):
                let name = PolicyCheck.parameterName(reference)
                if !parameters.contains(name) {
                    found.append(
                        Diagnostic(
                            at: site.location, "'\(site.key)' refers to parameter \(name), which \(shown) does not seed; add it under \"parameters\"",
                            rule: "seed-missing", keyPath: site.key.spelling))
                }
            case .environment:
                continue
            }
        }
        return found
    }

    /// `platform/dev-seed.json` from `/path/to/root/platform/dev-seed.json`, for messages.
    static func displayName(_ file: String) -> String {
        file.split(separator: "/").suffix(2).joined(separator: "/")
    }
}
