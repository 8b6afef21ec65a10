package dev.kiln.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** Small synthetic models for what the Image Builder model does not use (integer query members, headers, greedy labels). */
final class TestModels {
    static final ObjectMapper JSON = new ObjectMapper();

    private TestModels() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    /** A model of widgets using every member location and scalar type. */
    static ServiceModel widgets() {
        return ServiceModel.of(json("""
                {'version': '2.0', 'metadata': {'protocol': 'rest-json'},
                 'operations': {
                  'GetWidget': {'name': 'GetWidget', 'http': {'method': 'GET', 'requestUri': '/GetWidget'},
                    'input': {'shape': 'GetWidgetRequest'}, 'output': {'shape': 'Widget'},
                    'errors': [{'shape': 'BadInput'}]},
                  'PutWidget': {'name': 'PutWidget', 'http': {'method': 'PUT', 'requestUri': '/owners/{owner}/widgets/{key+}'},
                    'input': {'shape': 'PutWidgetRequest'}, 'output': {'shape': 'Widget'}, 'errors': []},
                  'Ping': {'name': 'Ping', 'http': {'method': 'POST', 'requestUri': '/Ping'}, 'errors': []}
                 },
                 'shapes': {
                  'GetWidgetRequest': {'type': 'structure', 'required': ['id'], 'members': {
                    'id': {'shape': 'Id', 'location': 'querystring', 'locationName': 'id'},
                    'count': {'shape': 'Count', 'location': 'querystring', 'locationName': 'count'},
                    'big': {'shape': 'Big', 'location': 'querystring', 'locationName': 'big'},
                    'flag': {'shape': 'Flag', 'location': 'querystring', 'locationName': 'flag'},
                    'ratio': {'shape': 'Ratio', 'location': 'querystring', 'locationName': 'ratio'},
                    'since': {'shape': 'When', 'location': 'querystring', 'locationName': 'since'},
                    'names': {'shape': 'Names', 'location': 'querystring', 'locationName': 'name'},
                    'counts': {'shape': 'Counts', 'location': 'querystring', 'locationName': 'c'},
                    'trace': {'shape': 'Id', 'location': 'header', 'locationName': 'X-Trace'},
                    'stamp': {'shape': 'When', 'location': 'header', 'locationName': 'X-Stamp'},
                    'ids': {'shape': 'Names', 'location': 'header', 'locationName': 'X-Ids'},
                    'extra': {'shape': 'Extra', 'location': 'querystring'}}},
                  'PutWidgetRequest': {'type': 'structure', 'required': ['owner', 'key', 'spec'], 'members': {
                    'owner': {'shape': 'Id', 'location': 'uri', 'locationName': 'owner'},
                    'key': {'shape': 'Id', 'location': 'uri', 'locationName': 'key'},
                    'display': {'shape': 'Id', 'locationName': 'displayName'},
                    'spec': {'shape': 'Spec'},
                    'token': {'shape': 'Id', 'idempotencyToken': true}}},
                  'Spec': {'type': 'structure', 'members': {
                    'size': {'shape': 'Count'}, 'when': {'shape': 'When'}, 'ratio': {'shape': 'Ratio'},
                    'parts': {'shape': 'Names'}, 'labels': {'shape': 'Extra'}}},
                  'Widget': {'type': 'structure', 'members': {'id': {'shape': 'Id'}}},
                  'BadInput': {'type': 'structure', 'members': {'message': {'shape': 'Id'}},
                    'error': {'httpStatusCode': 400}, 'exception': true},
                  'Id': {'type': 'string', 'min': 1, 'max': 64},
                  'Count': {'type': 'integer', 'min': 1, 'max': 25},
                  'Big': {'type': 'long'},
                  'Flag': {'type': 'boolean'},
                  'Ratio': {'type': 'double', 'min': 0},
                  'When': {'type': 'timestamp'},
                  'Names': {'type': 'list', 'member': {'shape': 'Id'}},
                  'Counts': {'type': 'list', 'member': {'shape': 'Count'}},
                  'Extra': {'type': 'map', 'key': {'shape': 'Id'}, 'value': {'shape': 'Id'}}
                 }}
                """));
    }
}
