"""Parameterised math and programming problems: many distinct problems from a few dozen generators.

Each problem carries its answer and worked steps, so judge prompts and trace-rewrite prompts can quote a
candidate solution (sometimes a wrong one, as real graded samples are)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from distillguard.simulate.content.names import CITIES, FIRST_NAMES, ITEMS


@dataclass(frozen=True)
class Problem:
    question: str
    answer: str
    steps: tuple[str, ...]
    domain: str  # "math", "code" or "science"


def _shopping(rng: random.Random) -> Problem:
    name = rng.choice(FIRST_NAMES)
    plural, _ = rng.choice(ITEMS)
    boxes, per_box, price = rng.randint(3, 12), rng.randint(4, 24), rng.randint(2, 9)
    kept = rng.randint(1, boxes * per_box // 3)
    sold = boxes * per_box - kept
    return Problem(
        f"{name} buys {boxes} boxes of {plural}, each box holding {per_box}. {name} keeps {kept} and sells the rest "
        f"for ${price} each. How much money does {name} make?",
        str(sold * price),
        (
            f"Total bought: {boxes} x {per_box} = {boxes * per_box}.",
            f"Sold: {boxes * per_box} - {kept} = {sold}.",
            f"Revenue: {sold} x {price} = {sold * price}.",
        ),
        "math",
    )


def _linear(rng: random.Random) -> Problem:
    a, x, b = rng.randint(2, 15), rng.randint(-20, 30), rng.randint(-50, 50)
    c = a * x + b
    return Problem(
        f"Solve for x: {a}x + {b} = {c}.".replace("+ -", "- "),
        str(x),
        (f"Subtract {b} from both sides: {a}x = {c - b}.", f"Divide by {a}: x = {x}."),
        "math",
    )


def _remainder(rng: random.Random) -> Problem:
    base, exp, mod = rng.randint(2, 19), rng.randint(20, 400), rng.choice((7, 9, 11, 13, 17, 19, 23, 100))
    return Problem(
        f"What is the remainder when {base}^{exp} is divided by {mod}?",
        str(pow(base, exp, mod)),
        (f"Work modulo {mod} and find the cycle of powers of {base}.", f"The result is {pow(base, exp, mod)}."),
        "math",
    )


def _divisible_count(rng: random.Random) -> Problem:
    n = rng.choice((100, 250, 500, 1000, 2026))
    p, q = rng.sample((3, 4, 5, 6, 7, 11), 2)
    lcm = p * q // math.gcd(p, q)
    count = n // p + n // q - n // lcm
    return Problem(
        f"How many positive integers not exceeding {n} are divisible by {p} or {q}?",
        str(count),
        (
            f"Multiples of {p}: {n // p}. Multiples of {q}: {n // q}.",
            f"Both (lcm {lcm}): {n // lcm}.",
            f"Inclusion-exclusion: {count}.",
        ),
        "math",
    )


def _marbles(rng: random.Random) -> Problem:
    red, blue = rng.randint(2, 9), rng.randint(2, 9)
    total = red + blue
    num, den = red * (red - 1), total * (total - 1)
    g = math.gcd(num, den)
    return Problem(
        f"A jar holds {red} red and {blue} blue marbles. Two marbles are drawn without replacement. What is the "
        "probability that both are red? Express it as a common fraction.",
        f"{num // g}/{den // g}",
        (
            f"P(first red) = {red}/{total}.",
            f"P(second red | first red) = {red - 1}/{total - 1}.",
            f"Product = {num}/{den} = {num // g}/{den // g}.",
        ),
        "math",
    )


def _train(rng: random.Random) -> Problem:
    v1, v2, dist = rng.randint(40, 90), rng.randint(50, 120), rng.randint(200, 900)
    a, b = rng.sample(CITIES, 2)
    hours = dist / (v1 + v2)
    return Problem(
        f"A train leaves {a} for {b} at {v1} km/h while another leaves {b} for {a} at {v2} km/h on the same "
        f"line. The cities are {dist} km apart. After how many hours do they meet? Round to two decimals.",
        f"{hours:.2f}",
        (f"Closing speed: {v1} + {v2} = {v1 + v2} km/h.", f"Time = {dist} / {v1 + v2} = {hours:.2f} h."),
        "math",
    )


def _rectangle(rng: random.Random) -> Problem:
    w = rng.randint(3, 30)
    extra = rng.randint(2, 15)
    perim = 2 * (w + w + extra)
    return Problem(
        f"A rectangle's length is {extra} cm more than its width, and its perimeter is {perim} cm. Find its area.",
        str(w * (w + extra)),
        (
            f"2(w + w + {extra}) = {perim}, so 4w = {perim - 2 * extra}.",
            f"w = {w}, length = {w + extra}.",
            f"Area = {w * (w + extra)}.",
        ),
        "math",
    )


def _arith_series(rng: random.Random) -> Problem:
    a, d, n = rng.randint(1, 20), rng.randint(2, 9), rng.randint(10, 60)
    s = n * (2 * a + (n - 1) * d) // 2
    return Problem(
        f"Find the sum of the first {n} terms of the arithmetic sequence {a}, {a + d}, {a + 2 * d}, ...",
        str(s),
        (f"S = n/2 (2a + (n-1)d) = {n}/2 ({2 * a} + {(n - 1) * d}).", f"S = {s}."),
        "math",
    )


def _quadratic(rng: random.Random) -> Problem:
    r1, r2 = rng.randint(-9, 9), rng.randint(-9, 9)
    b, c = -(r1 + r2), r1 * r2
    return Problem(
        f"Find the sum of the squares of the roots of x^2 + {b}x + {c} = 0.".replace("+ -", "- "),
        str(r1 * r1 + r2 * r2),
        (f"Sum of roots = {r1 + r2}, product = {c}.", f"r1^2 + r2^2 = (r1 + r2)^2 - 2 r1 r2 = {r1 * r1 + r2 * r2}."),
        "math",
    )


def _percent_change(rng: random.Random) -> Problem:
    price, up, down = rng.randint(20, 400), rng.choice((10, 15, 20, 25, 30)), rng.choice((10, 20, 25, 40))
    final = price * (100 + up) * (100 - down) / 10_000
    return Problem(
        f"A jacket costs ${price}. Its price rises by {up}% and then the new price is cut by {down}%. What is the "
        "final price?",
        f"{final:.2f}",
        (f"After the rise: {price} x {1 + up / 100:.2f}.", f"After the cut: x {1 - down / 100:.2f} = {final:.2f}."),
        "math",
    )


def _workers(rng: random.Random) -> Problem:
    a, b = rng.choice((4, 5, 6, 8, 10, 12)), rng.choice((3, 6, 9, 12, 15, 20))
    together = a * b / (a + b)
    return Problem(
        f"One pump fills a tank in {a} hours and a second pump fills it in {b} hours. How long do both pumps "
        "take together? Give the answer in hours to two decimals.",
        f"{together:.2f}",
        (f"Rates: 1/{a} + 1/{b} = {(a + b)}/{a * b} per hour.", f"Time = {a * b}/{a + b} = {together:.2f} h."),
        "math",
    )


def _combinations(rng: random.Random) -> Problem:
    n, k = rng.randint(6, 14), rng.randint(2, 5)
    return Problem(
        f"A club of {n} members must choose a committee of {k}. In how many ways can this be done if two "
        "particular members refuse to serve together?",
        str(math.comb(n, k) - math.comb(n - 2, k - 2)),
        (
            f"All committees: C({n},{k}) = {math.comb(n, k)}.",
            f"With both: C({n - 2},{k - 2}) = {math.comb(n - 2, k - 2)}.",
            "Subtract.",
        ),
        "math",
    )


def _digits(rng: random.Random) -> Problem:
    n = rng.randint(10, 60)
    value = 2**n
    return Problem(
        f"What is the sum of the digits of 2^{n}?",
        str(sum(int(ch) for ch in str(value))),
        (f"2^{n} = {value}.", "Add the digits."),
        "math",
    )


def _ages(rng: random.Random) -> Problem:
    child = rng.randint(4, 15)
    factor, years = rng.randint(2, 5), rng.randint(2, 12)
    parent = child * factor
    name1, name2 = rng.sample(FIRST_NAMES, 2)
    return Problem(
        f"{name1} is {factor} times as old as {name2}. In {years} years the sum of their ages will be "
        f"{parent + child + 2 * years}. How old is {name2} now?",
        str(child),
        (f"{factor}a + a + {2 * years} = {parent + child + 2 * years}.", f"a = {child}."),
        "math",
    )


def _mc_physics(rng: random.Random) -> Problem:
    mass, height = rng.randint(2, 40), rng.randint(3, 60)
    energy = round(mass * 9.8 * height)
    options = [energy, round(energy / 2), energy + rng.randint(20, 90), round(mass * height)]
    rng.shuffle(options)
    letter = "ABCD"[options.index(energy)]
    body = "\n".join(f"{'ABCD'[i]}. {value} J" for i, value in enumerate(options))
    return Problem(
        f"A {mass} kg crate is lifted {height} m vertically at constant speed. How much work is done against "
        f"gravity (g = 9.8 m/s^2)?\n{body}",
        letter,
        (f"W = m g h = {mass} x 9.8 x {height} = {energy} J.", f"That is option {letter}."),
        "science",
    )


def _mc_chemistry(rng: random.Random) -> Problem:
    moles, molar = rng.randint(2, 9) / 2, rng.choice((18, 44, 32, 58.5, 28))
    grams = moles * molar
    options = [grams, grams * 2, molar / moles, grams + 10]
    rng.shuffle(options)
    letter = "ABCD"[options.index(grams)]
    body = "\n".join(f"{'ABCD'[i]}. {value:g} g" for i, value in enumerate(options))
    return Problem(
        f"What is the mass of {moles:g} mol of a substance whose molar mass is {molar:g} g/mol?\n{body}",
        letter,
        (f"m = n M = {moles:g} x {molar:g} = {grams:g} g.",),
        "science",
    )


MATH_GENERATORS: tuple[Callable[[random.Random], Problem], ...] = (
    _shopping,
    _linear,
    _remainder,
    _divisible_count,
    _marbles,
    _train,
    _rectangle,
    _arith_series,
    _quadratic,
    _percent_change,
    _workers,
    _combinations,
    _digits,
    _ages,
)
SCIENCE_GENERATORS: tuple[Callable[[random.Random], Problem], ...] = (_mc_physics, _mc_chemistry)

_CODE_TASKS: tuple[str, ...] = (
    "Write a function `{f}(nums: list[int], k: int) -> int` that returns the number of contiguous subarrays "
    "whose sum is exactly k. Example: nums = {xs}, k = {k}.",
    "Given a string s, return the length of the longest substring that contains at most {k} distinct "
    'characters. Implement `{f}(s: str) -> int`. Example: s = "{word}".',
    "Implement `{f}(intervals)` that merges all overlapping intervals and returns them sorted. Example input: {pairs}.",
    "Write `{f}(grid)` that counts the islands in a 2D grid of '1' (land) and '0' (water); cells connect "
    "horizontally and vertically. The grid has up to {n} rows.",
    "Implement an LRU cache class with capacity {k} supporting get(key) and put(key, value) in O(1) time.",
    "Write `{f}(n: int) -> list[str]` returning all combinations of n pairs of well-formed parentheses. "
    "Test it with n = {small}.",
    "Given a list of {n} meeting times as (start, end) pairs, write `{f}` returning the minimum number of rooms "
    "needed.",
    "Write `{f}(a: str, b: str) -> int` computing the edit distance between two strings. Check it on "
    '"{word}" and "{word2}".',
    "Implement `{f}(nums: list[int]) -> int` returning the length of the longest strictly increasing "
    "subsequence in O(n log n). Example: {xs}.",
    "Write a function `{f}` that, given a directed graph as an adjacency list with {n} nodes, returns a "
    "topological order or raises ValueError if there is a cycle.",
    "Given coins of denominations {coins} and an amount {amount}, write `{f}` returning the fewest coins "
    "needed to make the amount, or -1.",
    'Implement `{f}(s: str) -> bool` that checks whether brackets ()[]{{}} in s are balanced. Example: "{brackets}".',
    "Write `{f}(matrix)` that rotates an n x n matrix 90 degrees clockwise in place, for n up to {n}.",
    "Write `{f}(nums, target)` returning indices of the two numbers that add up to target; nums = {xs}, target = {k}.",
    "Implement a trie with insert, search and starts_with. Then write `{f}(words, prefix)` returning how many "
    "of {n} words start with the prefix.",
)
_FUNC_NAMES = (
    "solve",
    "count_ways",
    "longest_run",
    "merge_spans",
    "island_count",
    "min_rooms",
    "edit_cost",
    "lis_length",
    "topo_order",
    "min_coins",
    "balanced",
    "rotate",
    "pair_indices",
    "prefix_count",
    "compute",
)
_WORDS = ("banana", "mississippi", "abracadabra", "kitten", "sitting", "parallel", "recursion", "zigzag")


def _code_problem(rng: random.Random) -> Problem:
    template = rng.choice(_CODE_TASKS)
    xs = [rng.randint(-5, 20) for _ in range(rng.randint(5, 9))]
    question = template.format(
        f=rng.choice(_FUNC_NAMES),
        xs=xs,
        k=rng.randint(2, 15),
        word=rng.choice(_WORDS),
        word2=rng.choice(_WORDS),
        pairs=[[a, a + rng.randint(1, 6)] for a in sorted(rng.sample(range(30), 4))],
        n=rng.choice((50, 100, 300, 1000, 10_000)),
        small=rng.randint(2, 4),
        coins=sorted(rng.sample((1, 2, 5, 7, 10, 25), 3)),
        amount=rng.randint(11, 99),
        brackets="".join(rng.choice("()[]{}") for _ in range(rng.randint(6, 12))),
    )
    return Problem(
        question,
        "see code",
        ("Choose a data structure that gives the needed complexity.", "Handle the edge cases.", "Write the code."),
        "code",
    )


def math_problem(rng: random.Random) -> Problem:
    return rng.choice(MATH_GENERATORS)(rng)


def any_problem(rng: random.Random) -> Problem:
    roll = rng.random()
    if roll < 0.6:
        return math_problem(rng)
    if roll < 0.85:
        return _code_problem(rng)
    return rng.choice(SCIENCE_GENERATORS)(rng)


def code_problem(rng: random.Random) -> Problem:
    return _code_problem(rng)


def science_problem(rng: random.Random) -> Problem:
    return rng.choice(SCIENCE_GENERATORS)(rng)
