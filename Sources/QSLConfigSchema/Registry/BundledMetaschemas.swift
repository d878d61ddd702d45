// The official JSON Schema meta-schemas, built in so that `$schema` and `$ref`s to them work
// offline. Data, not code: the JSON files json-schema.org serves, as republished by the PyPI
// package jsonschema-specifications 2025.9.1, re-indented. A test checks they equal the copies
// in Tests/Conformance/json-schema-metaschemas. Their license:
//
// Copyright (c) 2022 Julian Berman
//
// Permission is hereby granted, free of charge, to any person obtaining a copy
// of this software and associated documentation files (the "Software"), to deal
// in the Software without restriction, including without limitation the rights
// to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
// copies of the Software, and to permit persons to whom the Software is
// furnished to do so, subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in
// all copies or substantial portions of the Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
// IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
// FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
// AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
// LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
// OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
// THE SOFTWARE.

enum BundledMetaschemas {
    /// The parsed document at `index` of ``documents``, parsed once per process on first use.
    static func tree(_ index: Int) -> JSONTree {
        switch index {
        case 0: tree0
        case 1: tree1
        case 2: tree2
        case 3: tree3
        case 4: tree4
        case 5: tree5
        case 6: tree6
        case 7: tree7
        case 8: tree8
        case 9: tree9
        default: preconditionFailure("there are \(documents.count) built-in meta-schemas")
        }
    }

    // One lazily initialised (and thread-safe) static per document, so reading one meta-schema
    // parses that one only.
    private static let tree0 = parse(0), tree1 = parse(1), tree2 = parse(2), tree3 = parse(3), tree4 = parse(4)
    private static let tree5 = parse(5), tree6 = parse(6), tree7 = parse(7), tree8 = parse(8), tree9 = parse(9)

    private static func parse(_ index: Int) -> JSONTree {
        let entry = documents[index]
        do {
            return JSONTree(try SchemaJSON.parse(bytes: Array(entry.text.utf8), file: entry.uri))
        } catch {
            fatalError("built-in meta-schema \(entry.uri) does not parse: \(error)")
        }
    }

    /// (URI, JSON text) pairs.
    static let documents: [(uri: String, text: String)] = [
        (
            "http://json-schema.org/draft-07/schema",
            ##"""
{
 "$schema": "http://json-schema.org/draft-07/schema#",
 "$id": "http://json-schema.org/draft-07/schema#",
 "title": "Core schema meta-schema",
 "definitions": {
  "schemaArray": {
   "type": "array",
   "minItems": 1,
   "items": {
    "$ref": "#"
   }
  },
  "nonNegativeInteger": {
   "type": "integer",
   "minimum": 0
  },
  "nonNegativeIntegerDefault0": {
   "allOf": [
    {
     "$ref": "#/definitions/nonNegativeInteger"
    },
    {
     "default": 0
    }
   ]
  },
  "simpleTypes": {
   "enum": [
    "array",
    "boolean",
    "integer",
    "null",
    "number",
    "object",
    "string"
   ]
  },
  "stringArray": {
   "type": "array",
   "items": {
    "type": "string"
   },
   "uniqueItems": true,
   "default": []
  }
 },
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "$id": {
   "type": "string",
   "format": "uri-reference"
  },
  "$schema": {
   "type": "string",
   "format": "uri"
  },
  "$ref": {
   "type": "string",
   "format": "uri-reference"
  },
  "$comment": {
   "type": "string"
  },
  "title": {
   "type": "string"
  },
  "description": {
   "type": "string"
  },
  "default": true,
  "readOnly": {
   "type": "boolean",
   "default": false
  },
  "examples": {
   "type": "array",
   "items": true
  },
  "multipleOf": {
   "type": "number",
   "exclusiveMinimum": 0
  },
  "maximum": {
   "type": "number"
  },
  "exclusiveMaximum": {
   "type": "number"
  },
  "minimum": {
   "type": "number"
  },
  "exclusiveMinimum": {
   "type": "number"
  },
  "maxLength": {
   "$ref": "#/definitions/nonNegativeInteger"
  },
  "minLength": {
   "$ref": "#/definitions/nonNegativeIntegerDefault0"
  },
  "pattern": {
   "type": "string",
   "format": "regex"
  },
  "additionalItems": {
   "$ref": "#"
  },
  "items": {
   "anyOf": [
    {
     "$ref": "#"
    },
    {
     "$ref": "#/definitions/schemaArray"
    }
   ],
   "default": true
  },
  "maxItems": {
   "$ref": "#/definitions/nonNegativeInteger"
  },
  "minItems": {
   "$ref": "#/definitions/nonNegativeIntegerDefault0"
  },
  "uniqueItems": {
   "type": "boolean",
   "default": false
  },
  "contains": {
   "$ref": "#"
  },
  "maxProperties": {
   "$ref": "#/definitions/nonNegativeInteger"
  },
  "minProperties": {
   "$ref": "#/definitions/nonNegativeIntegerDefault0"
  },
  "required": {
   "$ref": "#/definitions/stringArray"
  },
  "additionalProperties": {
   "$ref": "#"
  },
  "definitions": {
   "type": "object",
   "additionalProperties": {
    "$ref": "#"
   },
   "default": {}
  },
  "properties": {
   "type": "object",
   "additionalProperties": {
    "$ref": "#"
   },
   "default": {}
  },
  "patternProperties": {
   "type": "object",
   "additionalProperties": {
    "$ref": "#"
   },
   "propertyNames": {
    "format": "regex"
   },
   "default": {}
  },
  "dependencies": {
   "type": "object",
   "additionalProperties": {
    "anyOf": [
     {
      "$ref": "#"
     },
     {
      "$ref": "#/definitions/stringArray"
     }
    ]
   }
  },
  "propertyNames": {
   "$ref": "#"
  },
  "const": true,
  "enum": {
   "type": "array",
   "items": true
  },
  "type": {
   "anyOf": [
    {
     "$ref": "#/definitions/simpleTypes"
    },
    {
     "type": "array",
     "items": {
      "$ref": "#/definitions/simpleTypes"
     },
     "minItems": 1,
     "uniqueItems": true
    }
   ]
  },
  "format": {
   "type": "string"
  },
  "contentMediaType": {
   "type": "string"
  },
  "contentEncoding": {
   "type": "string"
  },
  "if": {
   "$ref": "#"
  },
  "then": {
   "$ref": "#"
  },
  "else": {
   "$ref": "#"
  },
  "allOf": {
   "$ref": "#/definitions/schemaArray"
  },
  "anyOf": {
   "$ref": "#/definitions/schemaArray"
  },
  "oneOf": {
   "$ref": "#/definitions/schemaArray"
  },
  "not": {
   "$ref": "#"
  }
 },
 "default": true
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/schema",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/schema",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/core": true,
  "https://json-schema.org/draft/2020-12/vocab/applicator": true,
  "https://json-schema.org/draft/2020-12/vocab/unevaluated": true,
  "https://json-schema.org/draft/2020-12/vocab/validation": true,
  "https://json-schema.org/draft/2020-12/vocab/meta-data": true,
  "https://json-schema.org/draft/2020-12/vocab/format-annotation": true,
  "https://json-schema.org/draft/2020-12/vocab/content": true
 },
 "$dynamicAnchor": "meta",
 "title": "Core and Validation specifications meta-schema",
 "allOf": [
  {
   "$ref": "meta/core"
  },
  {
   "$ref": "meta/applicator"
  },
  {
   "$ref": "meta/unevaluated"
  },
  {
   "$ref": "meta/validation"
  },
  {
   "$ref": "meta/meta-data"
  },
  {
   "$ref": "meta/format-annotation"
  },
  {
   "$ref": "meta/content"
  }
 ],
 "type": [
  "object",
  "boolean"
 ],
 "$comment": "This meta-schema also defines keywords that have appeared in previous drafts in order to prevent incompatible extensions as they remain in common use.",
 "properties": {
  "definitions": {
   "$comment": "\"definitions\" has been replaced by \"$defs\".",
   "type": "object",
   "additionalProperties": {
    "$dynamicRef": "#meta"
   },
   "deprecated": true,
   "default": {}
  },
  "dependencies": {
   "$comment": "\"dependencies\" has been split and replaced by \"dependentSchemas\" and \"dependentRequired\" in order to serve their differing semantics.",
   "type": "object",
   "additionalProperties": {
    "anyOf": [
     {
      "$dynamicRef": "#meta"
     },
     {
      "$ref": "meta/validation#/$defs/stringArray"
     }
    ]
   },
   "deprecated": true,
   "default": {}
  },
  "$recursiveAnchor": {
   "$comment": "\"$recursiveAnchor\" has been replaced by \"$dynamicAnchor\".",
   "$ref": "meta/core#/$defs/anchorString",
   "deprecated": true
  },
  "$recursiveRef": {
   "$comment": "\"$recursiveRef\" has been replaced by \"$dynamicRef\".",
   "$ref": "meta/core#/$defs/uriReferenceString",
   "deprecated": true
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/core",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/core",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/core": true
 },
 "$dynamicAnchor": "meta",
 "title": "Core vocabulary meta-schema",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "$id": {
   "$ref": "#/$defs/uriReferenceString",
   "$comment": "Non-empty fragments not allowed.",
   "pattern": "^[^#]*#?$"
  },
  "$schema": {
   "$ref": "#/$defs/uriString"
  },
  "$ref": {
   "$ref": "#/$defs/uriReferenceString"
  },
  "$anchor": {
   "$ref": "#/$defs/anchorString"
  },
  "$dynamicRef": {
   "$ref": "#/$defs/uriReferenceString"
  },
  "$dynamicAnchor": {
   "$ref": "#/$defs/anchorString"
  },
  "$vocabulary": {
   "type": "object",
   "propertyNames": {
    "$ref": "#/$defs/uriString"
   },
   "additionalProperties": {
    "type": "boolean"
   }
  },
  "$comment": {
   "type": "string"
  },
  "$defs": {
   "type": "object",
   "additionalProperties": {
    "$dynamicRef": "#meta"
   }
  }
 },
 "$defs": {
  "anchorString": {
   "type": "string",
   "pattern": "^[A-Za-z_][-A-Za-z0-9._]*$"
  },
  "uriString": {
   "type": "string",
   "format": "uri"
  },
  "uriReferenceString": {
   "type": "string",
   "format": "uri-reference"
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/applicator",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/applicator",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/applicator": true
 },
 "$dynamicAnchor": "meta",
 "title": "Applicator vocabulary meta-schema",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "prefixItems": {
   "$ref": "#/$defs/schemaArray"
  },
  "items": {
   "$dynamicRef": "#meta"
  },
  "contains": {
   "$dynamicRef": "#meta"
  },
  "additionalProperties": {
   "$dynamicRef": "#meta"
  },
  "properties": {
   "type": "object",
   "additionalProperties": {
    "$dynamicRef": "#meta"
   },
   "default": {}
  },
  "patternProperties": {
   "type": "object",
   "additionalProperties": {
    "$dynamicRef": "#meta"
   },
   "propertyNames": {
    "format": "regex"
   },
   "default": {}
  },
  "dependentSchemas": {
   "type": "object",
   "additionalProperties": {
    "$dynamicRef": "#meta"
   },
   "default": {}
  },
  "propertyNames": {
   "$dynamicRef": "#meta"
  },
  "if": {
   "$dynamicRef": "#meta"
  },
  "then": {
   "$dynamicRef": "#meta"
  },
  "else": {
   "$dynamicRef": "#meta"
  },
  "allOf": {
   "$ref": "#/$defs/schemaArray"
  },
  "anyOf": {
   "$ref": "#/$defs/schemaArray"
  },
  "oneOf": {
   "$ref": "#/$defs/schemaArray"
  },
  "not": {
   "$dynamicRef": "#meta"
  }
 },
 "$defs": {
  "schemaArray": {
   "type": "array",
   "minItems": 1,
   "items": {
    "$dynamicRef": "#meta"
   }
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/unevaluated",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/unevaluated",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/unevaluated": true
 },
 "$dynamicAnchor": "meta",
 "title": "Unevaluated applicator vocabulary meta-schema",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "unevaluatedItems": {
   "$dynamicRef": "#meta"
  },
  "unevaluatedProperties": {
   "$dynamicRef": "#meta"
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/validation",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/validation",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/validation": true
 },
 "$dynamicAnchor": "meta",
 "title": "Validation vocabulary meta-schema",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "type": {
   "anyOf": [
    {
     "$ref": "#/$defs/simpleTypes"
    },
    {
     "type": "array",
     "items": {
      "$ref": "#/$defs/simpleTypes"
     },
     "minItems": 1,
     "uniqueItems": true
    }
   ]
  },
  "const": true,
  "enum": {
   "type": "array",
   "items": true
  },
  "multipleOf": {
   "type": "number",
   "exclusiveMinimum": 0
  },
  "maximum": {
   "type": "number"
  },
  "exclusiveMaximum": {
   "type": "number"
  },
  "minimum": {
   "type": "number"
  },
  "exclusiveMinimum": {
   "type": "number"
  },
  "maxLength": {
   "$ref": "#/$defs/nonNegativeInteger"
  },
  "minLength": {
   "$ref": "#/$defs/nonNegativeIntegerDefault0"
  },
  "pattern": {
   "type": "string",
   "format": "regex"
  },
  "maxItems": {
   "$ref": "#/$defs/nonNegativeInteger"
  },
  "minItems": {
   "$ref": "#/$defs/nonNegativeIntegerDefault0"
  },
  "uniqueItems": {
   "type": "boolean",
   "default": false
  },
  "maxContains": {
   "$ref": "#/$defs/nonNegativeInteger"
  },
  "minContains": {
   "$ref": "#/$defs/nonNegativeInteger",
   "default": 1
  },
  "maxProperties": {
   "$ref": "#/$defs/nonNegativeInteger"
  },
  "minProperties": {
   "$ref": "#/$defs/nonNegativeIntegerDefault0"
  },
  "required": {
   "$ref": "#/$defs/stringArray"
  },
  "dependentRequired": {
   "type": "object",
   "additionalProperties": {
    "$ref": "#/$defs/stringArray"
   }
  }
 },
 "$defs": {
  "nonNegativeInteger": {
   "type": "integer",
   "minimum": 0
  },
  "nonNegativeIntegerDefault0": {
   "$ref": "#/$defs/nonNegativeInteger",
   "default": 0
  },
  "simpleTypes": {
   "enum": [
    "array",
    "boolean",
    "integer",
    "null",
    "number",
    "object",
    "string"
   ]
  },
  "stringArray": {
   "type": "array",
   "items": {
    "type": "string"
   },
   "uniqueItems": true,
   "default": []
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/meta-data",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/meta-data",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/meta-data": true
 },
 "$dynamicAnchor": "meta",
 "title": "Meta-data vocabulary meta-schema",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "title": {
   "type": "string"
  },
  "description": {
   "type": "string"
  },
  "default": true,
  "deprecated": {
   "type": "boolean",
   "default": false
  },
  "readOnly": {
   "type": "boolean",
   "default": false
  },
  "writeOnly": {
   "type": "boolean",
   "default": false
  },
  "examples": {
   "type": "array",
   "items": true
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/format-annotation",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/format-annotation",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/format-annotation": true
 },
 "$dynamicAnchor": "meta",
 "title": "Format vocabulary meta-schema for annotation results",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "format": {
   "type": "string"
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/format-assertion",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/format-assertion",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/format-assertion": true
 },
 "$dynamicAnchor": "meta",
 "title": "Format vocabulary meta-schema for assertion results",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "format": {
   "type": "string"
  }
 }
}
"""##
        ),
        (
            "https://json-schema.org/draft/2020-12/meta/content",
            ##"""
{
 "$schema": "https://json-schema.org/draft/2020-12/schema",
 "$id": "https://json-schema.org/draft/2020-12/meta/content",
 "$vocabulary": {
  "https://json-schema.org/draft/2020-12/vocab/content": true
 },
 "$dynamicAnchor": "meta",
 "title": "Content vocabulary meta-schema",
 "type": [
  "object",
  "boolean"
 ],
 "properties": {
  "contentEncoding": {
   "type": "string"
  },
  "contentMediaType": {
   "type": "string"
  },
  "contentSchema": {
   "$dynamicRef": "#meta"
  }
 }
}
"""##
        ),
    ]
}
