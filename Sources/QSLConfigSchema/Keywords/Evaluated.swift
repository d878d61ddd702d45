import QSLConfigCore

/// What a subschema evaluated of an object or array, for `unevaluatedProperties` and
/// `unevaluatedItems` (the 2020-12 "evaluated" annotations, kept as sets rather than as a
/// general annotation list because nothing else reads them).
struct Evaluated {
    var allProperties = false
    var properties: Set<String> = []
    /// Items `0..<itemPrefix` were evaluated (`prefixItems`).
    var itemPrefix = 0
    var allItems = false
    /// Items `contains` matched.
    var itemIndices: Set<Int> = []

    mutating func merge(_ other: Evaluated) {
        allProperties = allProperties || other.allProperties
        if !allProperties { properties.formUnion(other.properties) }
        itemPrefix = max(itemPrefix, other.itemPrefix)
        allItems = allItems || other.allItems
        if !allItems { itemIndices.formUnion(other.itemIndices) }
    }

    func hasEvaluated(property name: String) -> Bool { allProperties || properties.contains(name) }

    func hasEvaluated(item index: Int) -> Bool { allItems || index < itemPrefix || itemIndices.contains(index) }
}
