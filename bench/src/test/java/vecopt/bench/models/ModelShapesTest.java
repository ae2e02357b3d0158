package vecopt.bench.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape lists reproduce the published parameter counts: 124,439,808 for GPT-2 small (Hugging Face's
 * GPT2Model, tied output embedding), 109,482,240 for BERT-base (BertModel with its pooler), 25,557,032
 * for torchvision's ResNet-50; and the tensor counts of their {@code named_parameters()}.
 */
class ModelShapesTest {

    @Test
    void gpt2SmallHas148TensorsAnd124MillionElements() {
        assertEquals(148, ModelShapes.GPT2_SMALL.tensors().size());
        assertEquals(124_439_808L, ModelShapes.GPT2_SMALL.elements());
    }

    @Test
    void bertBaseHas199TensorsAnd109MillionElements() {
        assertEquals(199, ModelShapes.BERT_BASE.tensors().size());
        assertEquals(109_482_240L, ModelShapes.BERT_BASE.elements());
    }

    @Test
    void resnet50Has161TensorsAnd25MillionElements() {
        assertEquals(161, ModelShapes.RESNET50.tensors().size());
        assertEquals(25_557_032L, ModelShapes.RESNET50.elements());
    }

    @Test
    void tensorNamesAreUniqueWithinAModel() {
        for (ModelShapes m : ModelShapes.values()) {
            List<String> names = m.tensors().stream().map(ModelShapes.Tensor::name).toList();
            assertEquals(names.size(), new HashSet<>(names).size(), m.name());
        }
    }
}
