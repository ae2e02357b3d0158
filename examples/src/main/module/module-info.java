/** vecopt's runnable examples, which the README quotes; also a module, to show the module path works. */
module vecopt.examples {
    requires vecopt.engine;      // vecopt.tensor comes with it (requires transitive)
    requires static jdk.incubator.vector;   // only for a Vector API kernel of your own (SignumVectorKernel)
}
