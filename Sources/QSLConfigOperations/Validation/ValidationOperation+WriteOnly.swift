import QSLConfig
import QSLConfigCore
import QSLConfigSchema

extension ValidationOperation {
    /// The keys each service's schema marks secret (`writeOnly`) in any of `environments`, as
    /// folded key paths; a marked section marks every key below it. What `migrate` asks the
    /// schemas, read the way `validate` reads them, from the platform root the caller opened; the
    /// schemas compile once for all environments.
    ///
    /// - Throws: ``ValidationError`` when the catalogue, an environment or a schema is unusable.
    static func writeOnlyPaths(root: PlatformRoot, environments: [String], services: [String]) throws(ValidationError) -> [String: Set<String>] {
        var plans: [Plan] = []
        for environment in environments {
            plans.append(try Plan(ValidationRequest(.catalogue(root: root.path, environment: environment, services: services)), root: root))
        }
        let validators = try validators(for: plans.flatMap { $0.services.map(\.schema) }, confinedTo: [root.path])
        var reader = AppsettingsReader()
        var paths: [String: Set<String>] = [:]
        for service in plans.flatMap(\.services) {
            var options = service.options
            options.loadsParameterStore = false
            guard let read = try? ConfigurationLoader().readLayers(options, reader: &reader) else { continue }
            var sections: [String: SourceLocation] = [:]
            for file in read.files { ConfigurationTree.sectionLocations(of: file.document, layer: file.layer, into: &sections) }
            let tree = ConfigurationTree(read.assembled(), sectionLocations: sections, rootLocation: nil)
            let annotations = validators[service.schema]!.validate(tree.instance).annotations
            paths[service.id, default: []].formUnion(annotations.filter { $0.keyword == "writeOnly" && $0.valueText == "true" }.map { ConfigKey.fold($0.keyPath) })
        }
        return paths
    }

    /// Whether `key` or a section above it is among `paths` (folded key paths): each prefix of
    /// the folded key that ends before a `:`, then the whole key. Called for every key of every
    /// service by the policies, so it looks the prefixes up in place instead of splitting and
    /// re-joining the key.
    static func isMarked(_ key: ConfigKey, in paths: Set<String>) -> Bool {
        guard !paths.isEmpty else { return false }
        let folded = key.folded
        var index = folded.utf8.startIndex
        while true {
            let colon = ConfigKey.segmentEnd(in: folded, from: index)
            guard colon != folded.endIndex else { break }
            if paths.contains(String(folded[..<colon])) { return true }
            index = folded.utf8.index(after: colon)
        }
        return paths.contains(folded)
    }
}
