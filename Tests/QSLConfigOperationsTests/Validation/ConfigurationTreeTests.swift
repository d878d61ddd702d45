import OrderedCollections
import QSLConfigCore
@testable import QSLConfigOperations
import QSLConfigSchema
import Testing

/// The merged configuration as the tree the schema validator reads.
@Suite("configuration tree")
struct ConfigurationTreeTests {
    /// `instance` as canonical text: objects `{name=...}` in member order, arrays `[...]`,
    /// strings quoted.
    static func text(_ instance: ComposedInstance) -> String {
        switch instance.instanceKind {
        case .object: "{" + instance.objectMembers.map { "\($0.key)=\(text($0.value))" }.joined(separator: ",") + "}"
        case .array: "[" + instance.arrayElements.map(text).joined(separator: ",") + "]"
        default: "\"" + (instance.stringValue ?? "?") + "\""
        }
    }

    /// What the tree of `keys` (in merge order) must be, worked out without it: members in the
    /// order their first key comes, each section spelled as first written, all-index sections as
    /// arrays in index order.
    static func expected(_ keys: [(String, String)]) -> String {
        final class Node {
            var order: [String] = []
            var children: [String: (spelling: String, node: Node)] = [:]
            var value: String?
        }
        let root = Node()
        for (key, value) in keys {
            var node = root
            for segment in key.split(separator: ":", omittingEmptySubsequences: false).map(String.init) {
                let folded = ConfigKey.fold(segment)
                if node.children[folded] == nil {
                    node.children[folded] = (segment, Node())
                    node.order.append(folded)
                }
                node = node.children[folded]!.node
            }
            node.value = value
        }
        func render(_ node: Node) -> String {
            guard !node.order.isEmpty else { return "\"" + (node.value ?? "") + "\"" }
            let spellings = node.order.map { node.children[$0]!.spelling }
            if spellings.allSatisfy({ Int($0) != nil && ($0 == "0" || !$0.hasPrefix("0")) }) {
                let sorted = node.order.sorted { Int(node.children[$0]!.spelling)! < Int(node.children[$1]!.spelling)! }
                return "[" + sorted.map { render(node.children[$0]!.node) }.joined(separator: ",") + "]"
            }
            return "{" + node.order.map { "\(node.children[$0]!.spelling)=\(render(node.children[$0]!.node))" }.joined(separator: ",") + "}"
        }
        return render(root)
    }

    @Test("sections are shared whatever order their keys come in, in any case, across layers; indices make arrays")
    func sectionsAndArrays() {
        var generator = SystemRandomNumberGenerator()
        let names = ["Logging", "LOGGING", "logLevel", "Default", "AWS", "Region", "Hosts", "0", "1", "2", "10", "Key", "key"]
        for _ in 0..<300 {
            var layers: [ConfigurationLayer] = []
            var merged: [(String, String)] = []
            for layerIndex in 0..<Int.random(in: 1...3, using: &generator) {
                var layer = ConfigurationLayer(name: "layer\(layerIndex)")
                for _ in 0..<Int.random(in: 1...12, using: &generator) {
                    let key = (0..<Int.random(in: 1...4, using: &generator)).map { _ in names.randomElement(using: &generator)! }.joined(separator: ":")
                    let value = "v\(Int.random(in: 0...99, using: &generator))"
                    // A key that is a prefix of another (or has one) is both a value and a
                    // section; leave those out, their rule has its own tests.
                    let folded = ConfigKey.fold(key)
                    let clash = merged.contains { other in
                        let o = ConfigKey.fold(other.0)
                        return o != folded && (o.hasPrefix(folded + ":") || folded.hasPrefix(o + ":"))
                    }
                    if clash { continue }
                    layer.set(ConfigEntry(key: ConfigKey(key), value: value, origin: ValueOrigin(.other("test"))))
                    if let at = merged.firstIndex(where: { ConfigKey.fold($0.0) == folded }) { merged[at].1 = value } else { merged.append((key, value)) }
                }
                layers.append(layer)
            }
            let configuration = LayeredConfiguration(layers: layers)
            let tree = ConfigurationTree(configuration, sectionLocations: [:], rootLocation: nil)
            // The merged entries as the layering leaves them (spelling, value, order), nested
            // by the simple model above.
            let entries = configuration.merged.values.map { ($0.key.spelling, $0.value ?? "") }
            #expect(Set(entries.map { ConfigKey.fold($0.0) + "=" + $0.1 }) == Set(merged.map { ConfigKey.fold($0.0) + "=" + $0.1 }))
            #expect(Self.text(tree.instance) == Self.expected(entries), "\(entries)")
        }
    }
}
