package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LinearRatesTest {

    /**
     * vecopt's SGD at the optimal step, and with the optimal momentum, on the ravine: the fitted rate's
     * 1 - r within 2% of the closed forms (kappa - 1) / (kappa + 1) and (sqrt kappa - 1) / (sqrt kappa + 1).
     */
    @Test
    void gradientDescentAndHeavyBallContractAtTheirClosedFormRates() {
        for (double kappa : new double[] {10, 100, 1_000, 10_000}) {
            LinearRates.Rates r = LinearRates.measure(kappa);
            double gd = (kappa - 1) / (kappa + 1);
            double hb = (Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1);
            assertEquals(gd, r.gd(), 0.02 * (1 - gd), "GD, kappa " + kappa);
            assertEquals(hb, r.heavyBall(), 0.02 * (1 - hb), "heavy ball, kappa " + kappa);
        }
    }

    @Test
    void theHeavyBallIsFasterThanGradientDescentByTheSquareRootOfKappa() {
        LinearRates.Rates r = LinearRates.measure(10_000);
        // steps per e-fold: 1 / (1 - r), about kappa / 2 = 5000 and sqrt(kappa) / 2 = 50
        assertEquals(100, (1 - r.heavyBall()) / (1 - r.gd()), 2);
    }
}
