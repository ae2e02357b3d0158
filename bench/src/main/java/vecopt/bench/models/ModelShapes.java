package vecopt.bench.models;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameter tensors of three models people train, by name and shape, as their PyTorch reference
 * implementations list them ({@code model.named_parameters()}): GPT-2 small (148 tensors, 124.4M
 * elements), BERT-base (199 tensors, 109.5M) and ResNet-50 (161 tensors, 25.6M, many of them tiny
 * batch-norm vectors). What a step costs over a real model's list of tensors, rather than over one
 * long array, depends on exactly this mix.
 */
public enum ModelShapes {

    GPT2_SMALL {
        @Override
        public List<Tensor> tensors() {
            List<Tensor> t = new ArrayList<>();
            int d = 768;
            t.add(new Tensor("wte.weight", 50257, d));
            t.add(new Tensor("wpe.weight", 1024, d));
            for (int i = 0; i < 12; i++) {
                String h = "h." + i + ".";
                t.add(new Tensor(h + "ln_1.weight", d));
                t.add(new Tensor(h + "ln_1.bias", d));
                t.add(new Tensor(h + "attn.c_attn.weight", d, 3 * d));
                t.add(new Tensor(h + "attn.c_attn.bias", 3 * d));
                t.add(new Tensor(h + "attn.c_proj.weight", d, d));
                t.add(new Tensor(h + "attn.c_proj.bias", d));
                t.add(new Tensor(h + "ln_2.weight", d));
                t.add(new Tensor(h + "ln_2.bias", d));
                t.add(new Tensor(h + "mlp.c_fc.weight", d, 4 * d));
                t.add(new Tensor(h + "mlp.c_fc.bias", 4 * d));
                t.add(new Tensor(h + "mlp.c_proj.weight", 4 * d, d));
                t.add(new Tensor(h + "mlp.c_proj.bias", d));
            }
            t.add(new Tensor("ln_f.weight", d));
            t.add(new Tensor("ln_f.bias", d));
            return t;
        }
    },

    BERT_BASE {
        @Override
        public List<Tensor> tensors() {
            List<Tensor> t = new ArrayList<>();
            int d = 768;
            t.add(new Tensor("embeddings.word_embeddings.weight", 30522, d));
            t.add(new Tensor("embeddings.position_embeddings.weight", 512, d));
            t.add(new Tensor("embeddings.token_type_embeddings.weight", 2, d));
            t.add(new Tensor("embeddings.LayerNorm.weight", d));
            t.add(new Tensor("embeddings.LayerNorm.bias", d));
            for (int i = 0; i < 12; i++) {
                String l = "encoder.layer." + i + ".";
                for (String proj : new String[] {"query", "key", "value"}) {
                    t.add(new Tensor(l + "attention.self." + proj + ".weight", d, d));
                    t.add(new Tensor(l + "attention.self." + proj + ".bias", d));
                }
                t.add(new Tensor(l + "attention.output.dense.weight", d, d));
                t.add(new Tensor(l + "attention.output.dense.bias", d));
                t.add(new Tensor(l + "attention.output.LayerNorm.weight", d));
                t.add(new Tensor(l + "attention.output.LayerNorm.bias", d));
                t.add(new Tensor(l + "intermediate.dense.weight", 4 * d, d));
                t.add(new Tensor(l + "intermediate.dense.bias", 4 * d));
                t.add(new Tensor(l + "output.dense.weight", d, 4 * d));
                t.add(new Tensor(l + "output.dense.bias", d));
                t.add(new Tensor(l + "output.LayerNorm.weight", d));
                t.add(new Tensor(l + "output.LayerNorm.bias", d));
            }
            t.add(new Tensor("pooler.dense.weight", d, d));
            t.add(new Tensor("pooler.dense.bias", d));
            return t;
        }
    },

    RESNET50 {
        @Override
        public List<Tensor> tensors() {
            List<Tensor> t = new ArrayList<>();
            t.add(new Tensor("conv1.weight", 64, 3, 7, 7));
            t.add(new Tensor("bn1.weight", 64));
            t.add(new Tensor("bn1.bias", 64));
            int[] blocks = {3, 4, 6, 3};
            int inplanes = 64;
            for (int layer = 0; layer < 4; layer++) {
                int planes = 64 << layer;
                for (int b = 0; b < blocks[layer]; b++) {
                    String n = "layer" + (layer + 1) + "." + b + ".";
                    t.add(new Tensor(n + "conv1.weight", planes, inplanes, 1, 1));
                    t.add(new Tensor(n + "bn1.weight", planes));
                    t.add(new Tensor(n + "bn1.bias", planes));
                    t.add(new Tensor(n + "conv2.weight", planes, planes, 3, 3));
                    t.add(new Tensor(n + "bn2.weight", planes));
                    t.add(new Tensor(n + "bn2.bias", planes));
                    t.add(new Tensor(n + "conv3.weight", 4 * planes, planes, 1, 1));
                    t.add(new Tensor(n + "bn3.weight", 4 * planes));
                    t.add(new Tensor(n + "bn3.bias", 4 * planes));
                    if (b == 0) {
                        t.add(new Tensor(n + "downsample.0.weight", 4 * planes, inplanes, 1, 1));
                        t.add(new Tensor(n + "downsample.1.weight", 4 * planes));
                        t.add(new Tensor(n + "downsample.1.bias", 4 * planes));
                    }
                    inplanes = 4 * planes;
                }
            }
            t.add(new Tensor("fc.weight", 1000, 2048));
            t.add(new Tensor("fc.bias", 1000));
            return t;
        }
    };

    /** A named parameter tensor's shape. */
    public record Tensor(String name, int... shape) {
        /** Number of elements. */
        public int size() {
            int n = 1;
            for (int d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /** The model's parameter tensors in {@code named_parameters()} order. */
    public abstract List<Tensor> tensors();

    /** Total number of elements over all tensors. */
    public long elements() {
        return tensors().stream().mapToLong(Tensor::size).sum();
    }
}
