package shallownet.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import shallownet.net.NetworkShape;

/** A model as stored: its shape, its flat parameters and the contents of {@code model.json}. */
public record SavedModel(NetworkShape shape, float[] params, ObjectNode metadata) {
}
