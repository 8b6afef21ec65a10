package dev.kiln.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ServiceModelTest {
    private static final ServiceModel MODEL = ServiceModel.imageBuilder();

    @Test
    void imageBuilderModelIsLoadedOnceAndSharedAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<ServiceModel>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(ServiceModel::imageBuilder);
            }
            for (Future<ServiceModel> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isSameAs(MODEL);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void modelHas77OperationsAndAbout480Shapes() {
        assertThat(MODEL.operations()).hasSize(77);
        assertThat(MODEL.shapes()).hasSize(479);
    }

    @Test
    void operationCarriesItsRouteShapesAndErrors() {
        Operation op = MODEL.operation("CreateComponent").orElseThrow();
        assertThat(op.method()).isEqualTo("PUT");
        assertThat(op.requestUri()).isEqualTo("/CreateComponent");
        assertThat(op.inputShape()).isEqualTo("CreateComponentRequest");
        assertThat(op.outputShape()).isEqualTo("CreateComponentResponse");
        assertThat(op.errorShapes()).contains("InvalidRequestException", "IdempotentParameterMismatchException",
                "DryRunOperationException");
        assertThat(op.idempotent()).isTrue();
        assertThat(op.idempotencyTokenMember()).isEqualTo("clientToken");
        assertThat(op.declares("DryRunOperationException")).isTrue();
        assertThat(op.declares("ResourceNotFoundException")).isFalse();
    }

    @Test
    void unknownOperationIsEmpty() {
        assertThat(MODEL.operation("CreateWidget")).isEmpty();
        assertThat(MODEL.operation("createComponent")).isEmpty();
        assertThat(MODEL.operation(null)).isEmpty();
    }

    @Test
    void idempotentOperationsAreThe23WithAClientToken() {
        Set<String> idempotent = MODEL.operations().stream().filter(Operation::idempotent).map(Operation::name)
                .collect(Collectors.toSet());
        assertThat(idempotent).hasSize(23).contains("CreateComponent", "CreateLifecyclePolicy", "UpdateLifecyclePolicy",
                "StartImagePipelineExecution", "CancelImageCreation", "StartResourceStateUpdate", "ImportDiskImage");
        assertThat(idempotent).noneMatch(n -> n.startsWith("Get") || n.startsWith("List") || n.startsWith("Delete")
                || n.startsWith("Put") || n.contains("Tag"));
        for (Operation op : MODEL.operations()) {
            if (op.idempotent()) {
                assertThat(op.idempotencyTokenMember()).isEqualTo("clientToken");
                assertThat(MODEL.shape(op.inputShape()).required()).as(op.name()).contains("clientToken");
            }
        }
    }

    @Test
    void operationsGroupByMethodAsTheProtocolSays() {
        for (Operation op : MODEL.operations()) {
            String n = op.name();
            String expected = n.startsWith("Get") && !n.equals("GetMarketplaceResource") || n.equals("ListTagsForResource")
                    ? "GET"
                    : n.startsWith("Delete") || n.equals("UntagResource") ? "DELETE"
                    : n.startsWith("List") || n.equals("GetMarketplaceResource") || n.equals("TagResource") ? "POST"
                    : "PUT";
            assertThat(op.method()).as(n).isEqualTo(expected);
        }
    }

    @Test
    void everyOperationHasAnInputAndAnOutputStructure() {
        for (Operation op : MODEL.operations()) {
            assertThat(MODEL.shape(op.inputShape()).type()).isEqualTo(Shape.Type.STRUCTURE);
            assertThat(MODEL.shape(op.outputShape()).type()).isEqualTo(Shape.Type.STRUCTURE);
        }
    }

    @Test
    void errorShapesCarryTheirHttpStatus() {
        assertThat(MODEL.shape("ResourceNotFoundException").httpStatus()).isEqualTo(404);
        assertThat(MODEL.shape("ServiceQuotaExceededException").httpStatus()).isEqualTo(402);
        assertThat(MODEL.shape("DryRunOperationException").httpStatus()).isEqualTo(412);
        assertThat(MODEL.shape("InvalidRequestException").exception()).isTrue();
    }

    @Test
    void errorShapesOfTheModelAreAllKnownToErrorType() {
        Set<String> known = java.util.Arrays.stream(dev.kiln.core.error.ErrorType.values()).map(Enum::name)
                .collect(Collectors.toSet());
        for (Shape s : MODEL.shapes()) {
            if (s.exception()) {
                assertThat(known).as(s.name()).contains(s.name());
                assertThat(dev.kiln.core.error.ErrorType.valueOf(s.name()).status()).as(s.name()).isEqualTo(s.httpStatus());
            }
        }
    }

    @Test
    void unknownShapeIsAnIllegalArgument() {
        assertThatThrownBy(() -> MODEL.shape("Nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void syntheticModelWithoutInputLoads() {
        Operation ping = TestModels.widgets().operation("Ping").orElseThrow();
        assertThat(ping.inputShape()).isNull();
        assertThat(ping.outputShape()).isNull();
        assertThat(ping.idempotent()).isFalse();
        assertThat(TestModels.widgets().operation("PutWidget").orElseThrow().idempotencyTokenMember()).isEqualTo("token");
    }

    @Test
    void modelsWithUnsupportedFeaturesAreRefusedAtLoad() {
        assertThatThrownBy(() -> load("'S': {'type': 'document'}")).hasMessageContaining("unsupported shape type");
        assertThatThrownBy(() -> load("'S': {'type': 'structure', 'members': {'a': {'shape': 'Missing'}}}"))
                .hasMessageContaining("unknown shape Missing");
        assertThatThrownBy(() -> load("'S': {'type': 'structure', 'members': {'a': {'shape': 'T', 'location': 'headers'}}},"
                + "'T': {'type': 'string'}")).hasMessageContaining("unsupported member location 'headers'");
        assertThatThrownBy(() -> load("'S': {'type': 'structure', 'payload': 'a', 'members': {}}"))
                .hasMessageContaining("unsupported trait 'payload'");
        assertThatThrownBy(() -> load("'S': {'type': 'string', 'timestampFormat': 'iso8601'}"))
                .hasMessageContaining("unsupported trait 'timestampFormat'");
        assertThatThrownBy(() -> load("'S': {'type': 'string', 'pattern': '(unclosed'}"))
                .hasMessageContaining("pattern does not compile");
        assertThatThrownBy(() -> load("'S': {'type': 'structure', 'required': ['b'], 'members': {}}"))
                .hasMessageContaining("requires unknown member b");
        assertThatThrownBy(() -> load("'S': {'type': 'list'}")).hasMessageContaining("has no 'member'");
    }

    @Test
    void uriLabelsMustMatchTheInputsUriMembers() {
        ObjectNode model = TestModels.object("""
                {'operations': {'A': {'name': 'A', 'http': {'method': 'GET', 'requestUri': '/a/{id}'},
                   'input': {'shape': 'S'}, 'errors': []}},
                 'shapes': {'S': {'type': 'structure', 'members': {'x': {'shape': 'T', 'location': 'uri', 'locationName': 'x'}}},
                            'T': {'type': 'string'}}}
                """);
        assertThatThrownBy(() -> ServiceModel.of(model)).hasMessageContaining("URI labels [id]");
    }

    private static ServiceModel load(String shapes) {
        return ServiceModel.of(TestModels.json("{'operations': {}, 'shapes': {" + shapes + "}}"));
    }
}
