# Python twin of ode.cpasm: floats passed to and returned from small
# functions called in loops. Simpson's rule for the integrals of 4/(1+x^2)
# on [0, 1] (pi) and of a rational function with sqrt, at growing numbers of
# panels; then fourth-order Runge-Kutta for a damped, unforced Duffing
# oscillator and for the Lotka-Volterra equations, each derivative a call
# returning a float. Prints the floats at a few points (same operations in
# the same order as cpjit's, so the same doubles).
import math


def arctan_deriv(x):
    return 4.0 / (1.0 + x * x)


def bump(x):
    return x * math.sqrt(1.0 + x) / (2.0 + x * x * x)


def simpson_pi(n):
    h = 1.0 / n
    s = arctan_deriv(0.0) + arctan_deriv(1.0)
    i = 1
    while i < n:
        x = i * h
        if i % 2 == 1:
            s = s + 4.0 * arctan_deriv(x)
        else:
            s = s + 2.0 * arctan_deriv(x)
        i = i + 1
    return s * h / 3.0


def simpson_bump(a, b, n):
    h = (b - a) / n
    s = bump(a) + bump(b)
    i = 1
    while i < n:
        x = a + i * h
        if i % 2 == 1:
            s = s + 4.0 * bump(x)
        else:
            s = s + 2.0 * bump(x)
        i = i + 1
    return s * h / 3.0


def duffing_x(x, v):
    return v


def duffing_v(x, v):
    return 0.0 - 0.15 * v - x - 0.5 * x * x * x


def duffing(x, v, dt, steps):
    k = 0
    energy = 0.0
    while k < steps:
        k1x = duffing_x(x, v)
        k1v = duffing_v(x, v)
        k2x = duffing_x(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v)
        k2v = duffing_v(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v)
        k3x = duffing_x(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v)
        k3v = duffing_v(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v)
        k4x = duffing_x(x + dt * k3x, v + dt * k3v)
        k4v = duffing_v(x + dt * k3x, v + dt * k3v)
        x = x + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
        v = v + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        energy = energy + v * v
        k = k + 1
    print(x)
    print(v)
    print(energy * dt)


def prey(p, q):
    return 1.1 * p - 0.4 * p * q


def predator(p, q):
    return 0.1 * p * q - 0.4 * q


def lotka(p, q, dt, steps):
    k = 0
    peak = 0.0
    crossings = 0
    above = 0
    while k < steps:
        k1p = prey(p, q)
        k1q = predator(p, q)
        k2p = prey(p + 0.5 * dt * k1p, q + 0.5 * dt * k1q)
        k2q = predator(p + 0.5 * dt * k1p, q + 0.5 * dt * k1q)
        k3p = prey(p + 0.5 * dt * k2p, q + 0.5 * dt * k2q)
        k3q = predator(p + 0.5 * dt * k2p, q + 0.5 * dt * k2q)
        k4p = prey(p + dt * k3p, q + dt * k3q)
        k4q = predator(p + dt * k3p, q + dt * k3q)
        p = p + dt / 6.0 * (k1p + 2.0 * k2p + 2.0 * k3p + k4p)
        q = q + dt / 6.0 * (k1q + 2.0 * k2q + 2.0 * k3q + k4q)
        if q > peak:
            peak = q
        if p > 10.0:
            if above == 0:
                crossings = crossings + 1
            above = 1
        else:
            above = 0
        k = k + 1
    print(p)
    print(q)
    print(peak)
    print(crossings)


def main():
    n = 1000
    while n <= 1024000:
        print(simpson_pi(n))
        n = n * 4
    print(simpson_bump(0.0, 3.0, 300000))
    duffing(1.5, 0.0, 0.001, 400000)
    lotka(10.0, 5.0, 0.0005, 600000)


main()
