"""Training augmentation written for DistillGuard (not taken from any repository).

Every string below was written for this project, in our own words, to describe *families* of prompts
(reasoning elicitation, graders, trace rewriting, tool-calling agents, coding agents, and ordinary requests
that look like them). None copies a template of the corpus's source repositories; where a family is also in
the corpus (think tags, \\boxed answers, LLM-as-judge, ReAct-style loops), the wording here is a paraphrase
with different structure, so leave-one-source-out figures measure transfer from these paraphrases, which is
exactly what happens in production when a team adds variants it has seen in the wild. See MODEL_CARD.md.

Placeholders: {p} a problem or request, {q} a question, {a} and {b} answers/responses, {subject} a topic,
{tools} a rendered tool list, {names} the tool names, {issue} a task description.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------------------
# cot_harvesting: system prompts that ask for an elaborate reasoning trace
COT_SYSTEM: dict[str, list[str]] = {
    "cot-think-answer-format": [
        "Think carefully before you answer. Write out your full reasoning inside <think> and </think> tags, then "
        "give the final answer.",
        "You are a reasoning model. Always begin your reply with <think> and lay out your entire thought process "
        "before you answer.",
        "Before answering, produce a detailed chain of thought. Enclose it in <reasoning></reasoning> and put the "
        "final answer in <answer></answer>.",
        "Use exactly this format:\nThoughts: <your detailed reasoning>\nAnswer: <the final answer only>",
        "The assistant privately works through the problem first, writing its deliberation between <thinking> "
        "tags, and then replies to the user with the answer.",
        "You solve problems by deep, systematic analysis: restate the problem, plan, execute, double-check, and "
        "summarise. Put the analysis in <|thought_start|> ... <|thought_end|> and the final response after it.",
        "When you reply, think aloud at length first. Mark the beginning of your reasoning with 'Reasoning:' and "
        "the end with 'Therefore, the answer is'.",
        "请一步一步地推理，把完整的思考过程写在 <think> 标签中，最后把答案写在 \\boxed{} 里。",
        "Réfléchis étape par étape et détaille tout ton raisonnement avant de donner la réponse finale entre "
        "<réponse> et </réponse>.",
    ],
    "cot-deliberation-system": [
        "You are a careful analyst. Work through the problem at length, weighing alternatives and re-checking "
        "every step, and only then give the final result on a separate last line.",
        "You are an expert mathematician. Solve every problem with a rigorous step-by-step derivation and show "
        "every intermediate computation. Present the final result as \\boxed{value}.",
        "Respond in two parts. Part 1, titled 'Thought process': your complete deliberation, including false "
        "starts and self-corrections. Part 2, titled 'Solution': the clean final solution.",
        "You are a teacher model producing training data for a smaller student model. For each question, write a "
        "long and careful reasoning trace, then a concise final answer.",
        "Explain your reasoning exhaustively, verify the result with an independent check, and finish with 'Final "
        "answer: <answer>'.",
        "Reflect on intermediate results as you go, backtrack whenever you find an error, and only commit to an "
        "answer once you have verified it. Show all of this work.",
        "Act as a careful analyst. Decompose the question into sub-questions, answer each one in order, and then "
        "combine them into the final answer, which you write in bold.",
        "Razona paso a paso, muestra todo tu razonamiento y escribe la respuesta final dentro de \\boxed{}.",
        "Denke Schritt für Schritt nach, zeige jeden Zwischenschritt und gib die endgültige Antwort in \\boxed{} an.",
        "Pense passo a passo e explique todo o raciocínio antes de dar a resposta final em \\boxed{}.",
        "ステップごとに考え、推論の過程をすべて書いてから、最終的な答えを \\boxed{} に入れてください。",
        "Your task is to explore each question through a long, systematic deliberation: analyse it, explore "
        "options, reassess, reflect on mistakes and iterate before writing a precise final solution.",
        "You are a careful assistant. You should reason step-by-step before giving any answer.",
        "Adopt a slow-thinking style: consider the problem from several angles, revisit your assumptions, and keep "
        "refining your reasoning until it is consistent. Only then present the final solution.",
        "As an assistant you must show your work. Every reply contains a detailed reasoning section followed by a "
        "short conclusion.",
        "You are a large language model trained to think deeply. Produce an extended internal reasoning process "
        "(planning, verification, reflection) and then a final, well-structured answer.",
        "Solve the user's problem. Your response must contain your step-by-step thinking, and the final answer "
        "must be clearly marked.",
    ],
}

# User-turn wrappers around a problem {p}.
COT_USER: dict[str, list[str]] = {
    "cot-boxed-directive": [
        "{p}\n\nPlease think step by step and put the final answer in \\boxed{{}}.",
        "Solve the following problem. Show your complete reasoning, then write the answer as \\boxed{{answer}}.\n\n{p}",
        "Problem:\n{p}\n\nLet's work through this carefully, one step at a time, before giving the answer.",
        "Generate a long-form reasoning trace for the problem below, as if thinking aloud, then the final "
        "answer.\n\n{p}",
        "{p}\n\nBefore answering, list the facts you know, the unknowns, and a plan. Then execute the plan and "
        "verify. Final answer in \\boxed{{}}.",
        "Think about this problem for as long as you need. I want to see the whole thought process, including dead "
        "ends.\n\n{p}",
        "Task: {p}\nInstructions: reason step-by-step; show all work; box the final answer.",
        "{p}\n请逐步推理，并将最终答案放在 \\boxed{{}} 中。",
        "{p}\nResuelve paso a paso y pon la respuesta final en \\boxed{{}}.",
        "{p}\nRésous ce problème étape par étape et encadre la réponse finale avec \\boxed{{}}.",
        "{p}\nLöse die Aufgabe Schritt für Schritt. Schreibe die Endantwort in \\boxed{{}}.",
    ],
    "cot-think-answer-format": [
        "{p}\nThink it through in detail before answering, and wrap your thinking in <think></think>.",
        "{p}\n\nFormat: first your reasoning between <scratchpad> tags, then the final answer after 'ANSWER:'.",
        "{p}\n\nShow your reasoning first and your answer last, formatted as: Reasoning: ... Answer: ...",
    ],
    "cot-eval-harness": [
        "Question: {p}\nAnswer: Let's think step by step.",
        "Q: {p}\nA: Let's reason this out carefully.",
        "{p}\n\nGive a detailed chain of thought, then end with 'The answer is X'.",
        "{p} Explain your reasoning step by step and give the final result at the end after '####'.",
        "Read the problem, then produce (1) your step-by-step reasoning and (2) a one-line final answer.\nProblem: {p}",
    ],
    "cot-mc-answer-directive": [
        "Here is a question with several options. Discuss each option in turn before picking one, and finish with "
        "'Answer: LETTER'.\n\n{p}",
        "Below is a multiple-choice question about {subject}. Work through it step by step and conclude with 'The "
        "correct option is (X)'.\n\n{p}",
    ],
    "cot-structured-answer": [
        'Solve step by step and reply with JSON of the form {{"reasoning": "...", "final_answer": "..."}}.\n\n{p}',
    ],
    "cot-code-reasoning": [
        "Write a Python solution for the task below. Before the code, reason at length about the algorithm, edge "
        "cases and complexity. Return the final code in one ```python block.\n\n{p}",
        "Solve the math problem below by alternating short reasoning steps with Python code in ```python blocks. "
        "The interpreter's output will be returned in ```output blocks. Put the final answer in \\boxed{{}}.\n\n{p}",
    ],
    "cot-few-shot-exemplar": [
        "Here is an example of the expected style.\nQ: A shop sells pens at 3 for $2. How much do 12 pens "
        "cost?\nA: 12 pens is 4 groups of 3. Each group costs $2, so 4 x 2 = 8. The answer is 8.\n\nQ: {p}\nA:",
    ],
    "cot-unusual-markup": [
        "{p}\n\nRespond with <|begin_of_reasoning|> your reasoning <|end_of_reasoning|> followed by the answer.",
        "Solve this competition problem. Provide a full rigorous solution with all reasoning, then the final "
        "answer on the last line as 'Final Answer: $ANSWER'.\n\n{p}",
        "{p}\n\nThink before you answer: first wrap a thorough analysis in [THOUGHT] ... [/THOUGHT], then give the "
        "answer in [ANSWER] ... [/ANSWER].",
    ],
}

# Answers that were forced to start with a reasoning prefix (prefill of the assistant turn).
COT_PREFILL = [
    "<think>\n",
    "<think>\nOkay, let me",
    "<think>\nAlright, so I need to",
    "Let me think step by step.",
    "<reasoning>\n",
    "Okay, so I have this problem where",
]

# Graders, judges and reward models: they make the model produce a reasoned evaluation.
JUDGE: dict[str, list[str]] = {
    "judge-reference-grader": [
        "You are a strict grader. Given a question, a reference solution and a student's answer, decide whether "
        "the student's final answer is correct. Think through the comparison step by step, then output 'VERDICT: "
        "CORRECT' or 'VERDICT: INCORRECT'.\n\nQuestion: {q}\n\nReference solution: {a}\n\nStudent answer: {b}",
        "As an impartial evaluator, compare the candidate answer with the gold answer. They may be phrased "
        "differently. Reason about whether they are mathematically equivalent and reply 'Equivalent' or 'Not "
        "equivalent'.\nGold: {a}\nCandidate: {b}",
    ],
    "judge-single-rating": [
        "Rate the AI response below for helpfulness, accuracy and harmlessness on a scale from 1 to 10. Explain "
        "your reasoning first, then output the score as 'Score: N'.\n\n### User prompt\n{q}\n\n### AI response\n{b}",
        "Score the following conversation turn for factual accuracy (1-5) and instruction following (1-5). Think "
        "through each dimension before scoring. Output as [[accuracy, following]].\n\nUSER: {q}\nASSISTANT: {b}",
        "You will review an answer written by another model. Point out every error, explain why it is wrong, and "
        "then decide whether the answer deserves a pass or a fail.\n\n[Question]\n{q}\n\n[Model answer]\n{b}",
        "Actúa como un evaluador imparcial. Analiza paso a paso la respuesta del asistente a la pregunta y asigna "
        "una puntuación del 1 al 10 con el formato 'Puntuación: N'.\n\nPregunta: {q}\nRespuesta: {b}",
        "请作为公正的评审，逐步分析下面 AI 助手对问题的回答是否正确、完整，"
        "然后给出 1 到 10 的评分，格式为“评分：[[N]]”。\n\n问题：{q}\n回答：{b}",
        "Bewerte die folgende Antwort eines Sprachmodells. Begründe Schritt für Schritt, ob sie korrekt und "
        "vollständig ist, und vergib am Ende eine Note von 1 bis 10 im Format 'Note: N'.\n\nFrage: {q}\nAntwort: "
        "{b}",
    ],
    "judge-pairwise": [
        "Which of the two responses better answers the user's question? Consider accuracy, completeness and "
        "clarity, justify your choice briefly, then answer with exactly 'A', 'B' or "
        "'tie'.\n\n<question>{q}</question>\n<response_a>{a}</response_a>\n<response_b>{b}</response_b>",
        "Critique the two model outputs below. Be objective and ignore length and order. After your analysis, "
        "write your preference as <preference>1</preference> or <preference>2</preference>.\n\nPrompt: "
        "{q}\n\nOutput 1: {a}\n\nOutput 2: {b}",
    ],
    "judge-rubric-reward": [
        "You are acting as a reward model. Assess how well the assistant's reply follows the instruction and "
        "assign a reward between 0 and 1. Give your rationale before the number.\n\nInstruction: {q}\nAssistant "
        "reply: {b}\n\nRationale:",
        "Evaluate the response against the rubric. For each criterion reason about whether it is met, then give a "
        "total.\nRubric:\n1. Correctness (0-4)\n2. Quality of reasoning (0-3)\n3. Clarity (0-3)\n\nTask: "
        '{q}\nResponse: {b}\n\nReturn JSON: {{"criteria": [...], "total": <int>}}',
        "## Grading task\nYou receive a prompt, a candidate response, an ideal response worth full marks and a "
        "scoring guide. Write feedback that judges the candidate strictly against the guide, then a final mark "
        "from 1 to 5.\n\n## Prompt\n{q}\n\n## Candidate response\n{b}\n\n## Ideal response\n{a}\n\n## Scoring "
        "guide\nDoes the response solve the task correctly and completely?\n\n## Feedback:",
        "Assess the answer on a five-point Likert scale for each item of this checklist: (a) the final result is "
        "right, (b) every step follows from the previous one, (c) nothing important is missing. Justify each "
        "rating in one or two sentences, then report the mean.\n\nItem to assess:\n{q}\n\nAnswer:\n{b}",
        "You label data for training a preference model. Read the query and the reply, think about what an expert "
        "would object to, and assign a quality label among {{excellent, good, fair, poor}} followed by a one-line "
        "justification.\n\nQuery: {q}\nReply: {b}\nLabel:",
    ],
    "judge-step-verifier": [
        "Below is a step-by-step solution to a problem. Check each step in order and identify the index of the "
        "first incorrect step, or -1 if every step is correct. Explain your verification of each step.\n\nProblem: "
        "{q}\n\nWorked solution:\n{b}",
    ],
    "judge-batch-ranking": [
        "We are building a leaderboard of chatbots. For the instruction below you get answers from several "
        "systems. Order the systems from best to worst as a human annotator would, explaining the ordering, and "
        "return it as a list of system names.\n\nInstruction: {q}\n\nsystem_alpha: {a}\n\nsystem_beta: {b}",
    ],
    "judge-code-grader": [
        "Decide whether the submitted program would pass the hidden tests for this task. Trace its behaviour on a "
        "few inputs you choose, reason about edge cases, and finish with PASS or "
        "FAIL.\n\nTask:\n{q}\n\nSubmission:\n{b}",
    ],
}

# Rewriting, converting or expanding reasoning traces (building distillation data from existing traces).
TRACE_REWRITE = [
    "Rewrite the reasoning trace below so that it is clearer and better organised, keeping every step of the "
    "logic. Put the cleaned thinking in <thought> tags and the final answer in <solution> tags.\n\nTrace:\n{b}",
    "Here is a model's raw chain of thought. Turn it into a concise numbered derivation that ends with the "
    "final answer.\n\n{b}",
    "Convert the solution below into two sections, '## Reasoning' and '## Final Answer'. Do not drop any "
    "intermediate computation.\n\nProblem: {q}\nSolution: {b}",
    "Translate the following step-by-step solution into Chinese, preserving the structure of the reasoning.\n\n{b}",
    "Expand the short answer into a full reasoning trace that a student model could learn from, making every "
    "intermediate step explicit.\n\nQuestion: {q}\nShort answer: {a}",
    "The following solution skips steps. Fill in all the missing reasoning so that each line follows from the "
    "previous one, then restate the final answer.\n\nProblem: {q}\n\nProposed solution: {b}",
    "Reformat this worked solution into our training format: <|reasoning|> detailed thinking <|/reasoning|> "
    "<|answer|> final answer <|/answer|>.\n\n{b}",
    "Rewrite the question below so that it avoids politically sensitive topics while keeping its reasoning "
    "difficulty, then answer the rewritten question with full step-by-step reasoning.\n\n{q}",
    "For the question below, produce a censorship-safe alternative phrasing that a strict content filter "
    "would accept, and then a detailed chain of thought that answers it.\n\nQuestion: {q}",
    "Paraphrase this reasoning so that it reads like a natural internal monologue (use phrases like 'wait', "
    "'hmm', 'let me double-check'), keeping the same final answer.\n\n{b}",
]

# ---------------------------------------------------------------------------------------------------------
# agentic_extraction: tool-using and coding agents
AGENT_SYSTEM = [
    "You are an assistant that can call tools. When a tool is needed, reply only with a JSON object "
    '{{"tool": <name>, "arguments": {{...}}}}. When no tool is needed, answer directly.\n\nAvailable tools:\n'
    "{tools}",
    'You have access to the following functions. To call one, write <tool_call>{{"name": ..., '
    '"arguments": ...}}</tool_call>. You may call several functions in a row.\n\n<tools>\n{tools}\n</tools>',
    "You are a function-calling model. Decide which of the functions below to call and with which arguments. "
    "Return the calls as a Python list, e.g. [fn(a=1)]. If none of them applies, reply that no call is "
    "possible.\n\n{tools}",
    "You are an autonomous agent. Use the tools listed below to complete the user's task. Think about which "
    "tool to use, call it, look at what it returns, and keep going until the job is finished.\n\nTools:\n{tools}",
    "# Tools\n\nYou may call one or more of the functions below to assist with the user query. Function "
    "signatures:\n{tools}\n\nFor each call, output the function name and JSON arguments inside "
    "<call></call> tags.",
    "You are a helpful assistant with tool access. Available actions: {names}. Respond with "
    "'ACTION: <name>' and 'INPUT: <json>' to use one, or 'FINAL: <answer>' when finished.\n\n{tools}",
    "Eres un asistente con acceso a herramientas. Para usar una herramienta responde con JSON "
    '{{"herramienta": nombre, "argumentos": {{...}}}}.\n\nHerramientas disponibles:\n{tools}',
    "你是一个可以调用工具的智能体。需要时请以 JSON 格式调用下列工具之一：\n{tools}",
    # Tool lists with little or no instruction around them: gateways and SDKs that fold a request's tools into
    # the system prompt, leaving the call format to the model's chat template.
    "Available functions:\n{tools}",
    "{tools}",
    "Functions you can call:\n\n{tools}\n\nCall them when they help.",
    "## Tools\n{tools}",
]

# Question-answering loops in the ReAct style, written as raw completion prompts.
AGENT_LOOP: dict[str, list[str]] = {
    "agent-react-loop": [
        "Answer the question using the tools below. Work in a loop: write a Thought about what to do next, an "
        "Action naming one tool with its input, then read the Observation that comes back. Repeat until you can "
        "reply with 'Final Answer:'.\n\nTools:\n{tools}\n\nQuestion: {q}\nThought:",
        "Tools available: {tools}\nUse the format:\nQuestion: the input question\nThought: reason about the next "
        "step\nTool: the tool to call\nTool Input: its input\nTool Output: the result\n(repeat as needed)\nFinal: "
        "the answer\n\nQuestion: {q}\nThought:",
    ],
    "agent-loop-other": [
        "You can use these tools: {names}.\nFollow the pattern\nPlan: what you will do next\nCall: "
        "tool_name[input]\nResult: the tool's output\n... (repeat Plan/Call/Result as "
        "needed)\nFinish[answer]\n\nTask: {q}\nPlan 1:",
        "Solve the task by interleaving reasoning and tool use. Allowed actions:\n(1) search[query] looks up a "
        "query on the web and returns the top snippet.\n(2) open[url] returns the text of a page.\n(3) "
        "answer[text] ends the episode with your answer.\n\nTask: {q}\nStep 1 reasoning:",
        "Environment: a text-based shell. Available commands: ls, cat <file>, grep <pattern> <file>, python "
        "<script>, submit. After each command you will see its output.\nGoal: {q}\n> ",
    ],
}

# Coding agents working in a repository.
CODING_AGENT_SYSTEM: dict[str, list[str]] = {
    "agent-coding": [
        "You are a coding agent operating inside the checked-out project at /workspace/{repo}. You can run shell "
        "commands by replying with exactly one ```bash block; its output will be returned to you. Explore the "
        "code, reproduce the problem, make a minimal fix, run the tests, and when you are done reply with the "
        "command `submit`.",
        "You are a coding agent with these tools: read_file(path), write_file(path, content), run(cmd), "
        "search(pattern). Call one tool per turn. Your goal is to resolve the issue below in the checked-out "
        "repository without breaking existing tests.",
        "ROLE: senior developer operating a terminal.\nINTERFACE: each reply must contain a THOUGHT section and "
        "one COMMAND section. Commands: open <file> [line], edit <start>:<end> <text>, find <name>, run <cmd>, "
        "finish.\nYou cannot interact with the user; work until the task is complete.",
    ],
    "agent-browser": [
        "You are operating a web browser to complete the user's task. Available actions: click(element_id), "
        "type(element_id, text), scroll(direction), goto(url), answer(text). At each step you receive the page's "
        "accessibility tree. Reply with one action per turn.",
    ],
}

CODING_AGENT_USER: dict[str, list[str]] = {
    "agent-coding": [
        "Solve the programming task below inside the sandbox. Write your solution to solution.py, run it against "
        "the examples with `python solution.py < input.txt`, and submit when the output matches.\n\n{issue}",
        "We have an issue in our repository:\n<issue>\n{issue}\n</issue>\nPlease resolve it. Start by exploring "
        "the repository structure.",
        "Task: {issue}\n\nThe repository is already cloned. Begin.",
        "Issue #{num}: {issue}\n\nFix this so that the test suite passes. (Current directory: /workspace/{repo})",
    ],
    "agent-browser": [
        "Objective: {issue}\nCurrent URL: https://example.com/\n[1] link 'Home'\n[2] textbox 'Search'\n[3] button "
        "'Go'\nWhat is your next action?",
    ],
}

TOOL_VERBS = [
    "get",
    "search",
    "create",
    "update",
    "delete",
    "list",
    "send",
    "fetch",
    "calculate",
    "convert",
    "book",
    "cancel",
    "find",
    "schedule",
    "translate",
    "check",
    "lookup",
    "compute",
    "generate",
    "set",
    "query",
    "play",
    "order",
    "reserve",
    "summarize",
    "upload",
    "download",
    "track",
    "estimate",
    "validate",
]
TOOL_NOUNS = [
    "weather",
    "flight",
    "hotel",
    "email",
    "calendar_event",
    "stock_price",
    "exchange_rate",
    "recipe",
    "restaurant",
    "movie",
    "song",
    "user_profile",
    "invoice",
    "order",
    "shipment",
    "ticket",
    "contact",
    "document",
    "file",
    "directions",
    "news",
    "population",
    "distance",
    "loan_payment",
    "tax",
    "bmi",
    "reminder",
    "playlist",
    "product",
    "review",
    "appointment",
    "repository",
    "issue",
    "pull_request",
    "database_record",
    "sensor_reading",
    "timezone",
    "holiday",
    "translation",
    "definition",
    "crypto_price",
]
PARAM_POOL = [
    ("location", "string", "City and country, e.g. Madrid, Spain"),
    ("date", "string", "Date in YYYY-MM-DD format"),
    ("query", "string", "Free-text search query"),
    ("limit", "integer", "Maximum number of results to return"),
    ("user_id", "string", "Identifier of the user"),
    ("amount", "number", "Amount of money"),
    ("currency", "string", "ISO 4217 currency code"),
    ("unit", "string", "Unit of measurement"),
    ("start_time", "string", "Start time in ISO 8601"),
    ("end_time", "string", "End time in ISO 8601"),
    ("recipient", "string", "Email address of the recipient"),
    ("subject", "string", "Subject line"),
    ("body", "string", "Message body"),
    ("id", "integer", "Numeric identifier"),
    ("language", "string", "Target language code"),
    ("include_details", "boolean", "Whether to include extra details"),
    ("symbol", "string", "Ticker symbol"),
    ("origin", "string", "Departure airport code"),
    ("destination", "string", "Arrival airport code"),
    ("passengers", "integer", "Number of passengers"),
    ("category", "string", "Category to filter by"),
    ("path", "string", "Path to the file"),
    ("priority", "string", "One of low, medium, high"),
    ("radius_km", "number", "Search radius in kilometres"),
]

# Tool results and assistant tool calls for multi-turn agent transcripts.
AGENT_OBSERVATIONS = [
    '{{"status": "ok", "result": {num}}}',
    '{{"error": "not found", "code": 404}}',
    '{{"items": [{{"id": {num}, "name": "item {num}"}}], "total": 1}}',
    "temperature: {num} C, humidity: {num2}%",
    "Command completed with exit code 0.",
    'Traceback (most recent call last):\n  File "main.py", line {num}, in <module>\nValueError: bad input',
    "src/\ntests/\nREADME.md\nsetup.py",
]

# ---------------------------------------------------------------------------------------------------------
# ordinary: everyday requests and hard negatives that share vocabulary with the other classes
ORDINARY_SYSTEM = [
    "You are a helpful assistant.",
    "You are a cheerful assistant who answers briefly.",
    "You are a travel planner who gives practical advice.",
    "You are a patient tutor for high-school students.",
    "You are a customer support assistant for an online bookshop. Be polite.",
    "Answer in the same language as the user.",
    "You are an expert copywriter.",
    "You are a senior Python developer who reviews code kindly.",
]

ORDINARY_REQUESTS = [
    "What tools do I need to change a flat tyre on a bicycle?",
    "Can you write a JSON schema for a user profile with a name, an email and an age?",
    "Explain what a ReAct agent is in two sentences.",
    'Convert this JSON to YAML: {{"name": "demo", "replicas": {num}, "ports": [80, 443]}}',
    "How do I call a REST API from Python with the requests library?",
    "Why is the sky blue? Please explain your thinking in simple terms.",
    "Can you walk me through how compound interest works?",
    "I think my code has a bug, can you help?\n\ndef add(a, b):\n    return a - b",
    "What do you think about remote work for junior developers?",
    "Give me a weekly meal plan for a vegetarian family of {num}.",
    "Write a short poem about autumn leaves.",
    "Summarise the plot of Romeo and Juliet in three sentences.",
    "Can you give me feedback on my cover letter?\n\nDear hiring manager, I am excited to apply for the "
    "analyst role. I have {num} years of experience with Excel and SQL.",
    "Which is healthier, brown rice or white rice?",
    "Draft a polite email asking my landlord to fix the heating.",
    "How many cups are in a litre?",
    "What's a good name for a golden retriever puppy?",
    "Explain the difference between a list and a tuple in Python.",
    "Help me plan a {num}-day trip to Lisbon.",
    "What are the rules of chess for castling?",
    "I got {num} for this homework question, is that right? A train travels 60 km in 1.5 hours; what is its "
    "average speed?",
    "Translate 'good morning, how are you?' into French.",
    "How does a function call work in C? What happens on the stack?",
    "What is chain-of-thought prompting? Just a short definition please.",
    "Recommend three science fiction novels for a teenager.",
    "How can I get better at thinking clearly when I make decisions?",
    "Could you explain step by step how to make sourdough bread?",
    "List the planets of the solar system in order.",
    "Can you rate my business idea from 1 to 10? A subscription service for fresh flowers.",
    "Write unit tests for a function that checks whether a string is a palindrome.",
    "¿Me puedes recomendar un libro de ciencia ficción?",
    "Peux-tu m'expliquer la différence entre « savoir » et « connaître » ?",
    "Wie lange muss ich ein Ei kochen, damit es weich ist?",
    "请帮我写一封感谢信给我的老师。",
    "Qual é a capital da Austrália?",
    "How do I set up a cron job that runs every {num} minutes?",
    "My tools folder in the garage is a mess. Any tips for organising it?",
    "What is the answer to 17 times 23? Just the number.",
    "Explain how the OpenAI function calling feature works, conceptually.",
    "Give me a single shell command that counts the lines in all .py files.",
    "Give me {num} interview questions for a data scientist role.",
    "What should I consider when grading essays fairly as a new teacher?",
    "Compare two laptops for me: one has 16 GB RAM, the other 32 GB. Which is better for video editing?",
]

ORDINARY_WRAPPERS: dict[str, list[str]] = {
    "ord-plain-wrapper": [
        "{p}",
        "Hi! {p}",
        "{p} Thanks!",
        "Quick question: {p}",
        "Help me with this please:\n{p}",
        "My daughter brought this home from school:\n{p}",
        "{p}\n(Please keep it short.)",
        "Could you check this for me? {p}",
    ],
    "ord-casual-stepwise": [
        "{p}\n\nCan you explain how you got the answer?",
        "{p}\nI'm stuck on this one, could you help me understand it?",
    ],
}

# Follow-up user turns after an earlier answer (multi-turn chats whose previous assistant turn is long).
ORDINARY_FOLLOW_UPS = [
    "Thanks! Can you make that shorter?",
    "Now do the same in Java, please.",
    "What if the numbers were twice as large?",
    "I got lost in the middle bit. Could you go over it once more?",
    "Great. Can you turn that into a table?",
    "Is there a simpler way to do it?",
    "Can you give me another example like this one?",
    "Rewrite your answer for a ten-year-old.",
    "Are you sure about that? My teacher said something different.",
    "Translate your answer into Spanish.",
]

ORDINARY_CHAT = [
    (
        "I'm planning a birthday party for my son.",
        "That sounds fun! How old is he turning, and how many guests are you expecting?",
        "He's turning {num}, about ten kids. Any game ideas?",
    ),
    (
        "Can you help me with my resume?",
        "Of course. Paste it here and tell me which job you are applying for.",
        "It's for a marketing role. Should I list my hobbies?",
    ),
    (
        "What's a good stretch for lower back pain?",
        "A gentle knee-to-chest stretch often helps. Hold it for about 30 seconds on each side.",
        "Thanks. How often should I do it?",
    ),
    (
        "I want to learn Spanish.",
        "Great choice! Do you prefer apps, classes or books?",
        "Apps, I have about {num} minutes a day.",
    ),
    (
        "Write a haiku about the sea.",
        "Waves fold into foam / the horizon holds its breath / gulls stitch sky to shore",
        "Nice! Now one about mountains.",
    ),
    (
        "My Python script says 'list index out of range'.",
        "That usually means you access an index that is larger than the list. Can you share the code?",
        "for i in range(len(xs)+1): print(xs[i])",
    ),
]

SUBJECTS = [
    "physics",
    "chemistry",
    "biology",
    "algebra",
    "economics",
    "computer science",
    "statistics",
    "geometry",
    "astronomy",
    "history",
]

GENERIC_ANSWERS = [
    "The answer is {num}.",
    "First compute the total: {num} + {num2} = {num3}. So the result is {num3}.",
    "I believe the correct option is B because the other options contradict the premise.",
    "def solve(xs):\n    return sorted(set(xs))",
    "Let x be the unknown. Then 2x + {num} = {num3}, so x = {num2}.",
    "It depends on the context, but generally yes.",
    "Step 1: read the input. Step 2: count the items. Step 3: output {num}.",
    "There are {num} apples left after giving away {num2}.",
]

REPOS = ["payments-service", "webapp", "data-pipeline", "cli-tool", "ml-utils", "auth-server", "docs-site"]

# Worked demonstrations for the agent loops (few-shot episodes written for this project).
AGENT_DEMOS = [
    "Question: Which river flows through the capital of Hungary?\nThought 1: I should look up the capital of "
    "Hungary first.\nAction 1: search[capital of Hungary]\nObservation 1: Budapest is the capital and most "
    "populous city of Hungary.\nThought 2: Now I need the river that flows through Budapest.\nAction 2: "
    "search[Budapest river]\nObservation 2: The Danube divides Budapest into Buda and Pest.\nThought 3: The "
    "answer is the Danube.\nAction 3: finish[Danube]",
    "Task: Is the author of 'The Old Man and the Sea' older than the author of 'Brave New World'?\nPlan 1: "
    "Find the birth year of Ernest Hemingway.\nCall 1: lookup_person[Ernest Hemingway]\nResult 1: Ernest "
    "Hemingway (born July 21, 1899) was an American novelist.\nPlan 2: Find the birth year of Aldous "
    "Huxley.\nCall 2: lookup_person[Aldous Huxley]\nResult 2: Aldous Huxley (born 26 July 1894) was an "
    "English writer.\nPlan 3: 1894 is earlier, so Huxley is older.\nFinish[no]",
    "Claim: The Eiffel Tower is located in Berlin.\nThought: I need to verify where the Eiffel Tower is.\n"
    "Action: wiki_search[Eiffel Tower]\nObservation: The Eiffel Tower is a wrought-iron lattice tower in "
    "Paris, France.\nThought: The claim is contradicted by the evidence.\nAction: finish[REFUTES]",
    "Goal: count the Python files in the project.\n> ls\nsrc tests setup.py\n> find . -name '*.py' | wc -l\n"
    "42\nThought: there are 42 Python files.\n> submit 42",
]

# Structured role-play and persona prompts of the kind people paste into chat apps (ordinary).
ORDINARY_PERSONA = [
    "Act as a personal fitness coach. I will tell you my goals and schedule, and you will design a weekly "
    "training plan. Ask me about injuries first. My first request: I want to run a {num} km race.",
    "ROLE: experienced wedding planner.\nGOAL: help me plan a small wedding for {num} guests.\nRULES:\n- ask "
    "one question at a time\n- keep the budget in mind\n- suggest step-by-step checklists",
    "I want you to act as a Linux terminal tutor. Explain each command I type, what it does and when to use "
    "it, step by step. Do not run anything. First command: grep -r 'TODO' .",
    "You are my language exchange partner. Speak only Spanish, correct my mistakes gently, and explain the "
    "grammar behind each correction. Let's talk about my weekend.",
    "Act as a product manager. Break the feature 'dark mode for our mobile app' into user stories, "
    "acceptance criteria and a step-by-step rollout plan. Use markdown tables.",
    "# Task\nWrite a landing page for a bakery.\n## Requirements\n1. Hero section with a headline\n2. Three "
    "product cards\n3. Contact form\n## Output\nOne HTML file with inline CSS.",
    "Pretend you are a medieval historian. I will ask questions about daily life in 14th-century England and "
    "you will answer in character, citing what sources historians use.",
    "Act as a code reviewer. For the code I paste, list bugs, style issues and performance problems, "
    "explain each one step by step, and suggest a fix. Wait for my code.",
    "You are an interview coach. Conduct a mock behavioural interview for a nursing position: ask one "
    "question, wait for my answer, then give feedback and a score out of 10.",
    "Act as a research assistant. Help me outline a literature review on urban heat islands: propose the "
    "sections, the key questions for each, and a step-by-step plan for finding sources.",
    "I want you to act as a Dungeon Master for a short fantasy adventure. Describe the scene, let me choose "
    "actions, and roll dice when needed. Start in a tavern.",
    "Act as a financial literacy teacher. Explain budgeting with the 50/30/20 rule, walk me through an "
    "example with a salary of {num}00 euros per month, and give me three exercises.",
    "Behave like a strict editor. Rewrite my paragraph to be clearer and shorter, then explain every change "
    "you made.\n\nParagraph: In the event that the meeting is postponed, we will be informing all relevant "
    "participants at the earliest possible time.",
    "Actúa como un chef profesional y dame una receta paso a paso para hacer paella para {num} personas.",
    "Tu es un guide touristique à Lyon. Propose-moi un itinéraire d'une journée, étape par étape.",
]

# Ordinary requests that paste JSON (configs, API payloads, even function schemas) and ask for a plain
# transformation or explanation: the JSON is data, not a tool offered to the model.
# JSON that people paste into everyday requests: configuration files, API responses, records, data-model
# schemas. Integers in them are redrawn per prompt.
ORDINARY_JSON_PAYLOADS: list[object] = [
    {
        "name": "web-dashboard",
        "version": "2.3.1",
        "private": True,
        "scripts": {"dev": "vite", "build": "vite build", "test": "vitest run"},
        "dependencies": {"react": "^18.2.0", "axios": "^1.6.0", "date-fns": "^3.0.0"},
    },
    {
        "compilerOptions": {"target": "ES2020", "module": "ESNext", "strict": True, "outDir": "dist"},
        "include": ["src"],
        "exclude": ["node_modules"],
    },
    {
        "city": "Lyon",
        "temperature_c": 14,
        "conditions": "light rain",
        "forecast": [{"day": "Mon", "high": 16, "low": 9}, {"day": "Tue", "high": 18, "low": 10}],
    },
    {
        "order_id": 10492,
        "customer": {"id": 381, "email": "ana@example.com"},
        "items": [{"sku": "MUG-12", "qty": 2, "price": 8.5}, {"sku": "TEA-03", "qty": 1, "price": 12}],
        "status": "shipped",
    },
    [
        {"id": 1, "name": "Priya", "role": "admin", "active": True},
        {"id": 2, "name": "Tom", "role": "viewer", "active": False},
        {"id": 3, "name": "Lena", "role": "editor", "active": True},
    ],
    {
        "logging": {"level": "info", "file": "/var/log/app.log"},
        "database": {"host": "localhost", "port": 5432, "pool_size": 10},
        "features": {"dark_mode": True, "beta_search": False},
    },
    {
        "title": "Product",
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "price": {"type": "number", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["id", "name"],
    },
    {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
        "properties": {"name": "Cafe Lumiere", "rating": 4},
    },
    {"error": {"code": 429, "message": "Rate limit exceeded", "retry_after": 30}},
    {"survey": "team offsite", "responses": 42, "scores": {"venue": 4.2, "food": 3.8, "agenda": 3.1}},
    {"extends": ["eslint:recommended"], "rules": {"no-unused-vars": "warn", "semi": ["error", "always"]}},
    {"labels": ["Jan", "Feb", "Mar", "Apr"], "datasets": [{"label": "Revenue", "data": [120, 150, 170, 160]}]},
    {
        "version": "3.8",
        "services": {"web": {"image": "nginx:1.25", "ports": ["8080:80"]}, "db": {"image": "postgres:16"}},
    },
    {"student": "Sam", "grades": [{"course": "Biology", "score": 88}, {"course": "History", "score": 74}]},
]

ORDINARY_JSON_WRAPPERS = [
    "Convert this JSON to a TypeScript interface:\n{json}",
    "Is this JSON valid? If not, fix it.\n{json}",
    "Explain what each field in this JSON means:\n{json}",
    "Write a Python dataclass that matches this structure:\n{json}",
    "Turn this JSON into a markdown table please.\n\n{json}",
    "My API returns this payload. How do I read the nested values in JavaScript?\n```json\n{json}\n```",
    "Generate five realistic example records that follow this schema:\n{json}",
    "Rewrite this JSON as YAML and keep the comments short.\n{json}",
    "Here is a config file from our project:\n{json}\nWhy might the service fail to start with it?",
    "Can you document this JSON schema for our wiki? Keep it non-technical.\n{json}",
]

# Long, structured "prompt-engineering" style requests (markdown sections, rules, workflows, output formats)
# for everyday work: ordinary, even though they have steps, scores and strict output formats.
STRUCTURED_TITLES = [
    "Weekly Newsletter Writer",
    "Product Description Generator",
    "Meeting Notes Summariser",
    "Travel Itinerary Builder",
    "Resume Tailoring Assistant",
    "Customer Complaint Responder",
    "Recipe Adapter",
    "Lesson Plan Designer",
    "Social Media Calendar",
    "Stock Watchlist Briefing",
    "Real Estate Listing Writer",
    "Podcast Show Notes",
    "Job Posting Reviewer",
    "Home Renovation Planner",
    "Grant Proposal Helper",
]
STRUCTURED_ROLES = [
    "Act as an experienced {topic} specialist with 15 years of practice.",
    "You are a senior consultant who helps small businesses with {topic}.",
    "Role: friendly expert in {topic}. Audience: busy professionals.",
    "Act as my personal assistant for {topic}.",
]
STRUCTURED_TOPICS = [
    "marketing",
    "copywriting",
    "project management",
    "nutrition",
    "personal finance",
    "recruiting",
    "interior design",
    "education",
    "e-commerce",
    "event planning",
    "real estate",
    "customer service",
]
STRUCTURED_SECTIONS = [
    "# PERSONA\nAct as a seasoned analyst with a calm, sceptical tone.\n\n# CONTEXT\nI am preparing a decision "
    "for my manager and need a balanced view.",
    "## Core capabilities\n- Draft clear documents from rough notes\n- Spot gaps and contradictions\n- Propose a "
    "structure before writing",
    "## Instructions\nAnalyse the material I provide and organise your findings into a well-structured Markdown "
    "document with an executive summary, details and open questions.",
    "---\nname: weekly-report-helper\ndescription: Turns bullet notes into a tidy weekly status report.\n---",
    "## When to use this\nUse this prompt whenever you need a first draft quickly; review the output before "
    "sending it.",
    "## Task\nCreate the deliverable described below from the information I provide. Ask for anything missing.",
    "## Workflow\nStep 1: Read my input carefully.\nStep 2: Ask up to three clarifying questions.\nStep 3: Draft "
    "the content.\nStep 4: Review it against the rules.\nStep 5: Deliver the final version.",
    "## Rules\n- Keep a warm, professional tone.\n- Never invent facts, prices or dates.\n- Use British spelling."
    "\n- Maximum 300 words unless I ask for more.",
    "## Output format\nReturn a markdown table with the columns: Item | Detail | Priority. Then a short summary "
    "paragraph.",
    '## Output format\nReturn JSON with the keys "title", "summary", "bullets" (a list) and "call_to_action".',
    "## Scoring\nRate each option from 1 to 5 for cost, effort and impact, and recommend the best one in one sentence.",
    "## Inputs\n- Product or topic: [INSERT]\n- Audience: [INSERT]\n- Tone: [INSERT]\n- Deadline: [INSERT]",
    "## Constraints\n- Do not use jargon.\n- Every section must have a heading.\n- Include one example.",
    "## Changelog\n- v1.2: added the scoring section.\n- v1.1: shortened the rules.\n- v1.0: first version.",
    "## Quality checklist\nBefore answering, check that the text is clear, accurate, on-brand and free of "
    "typos. Fix anything that fails.",
    "## Example\nInput: a bakery in Leeds opening a second shop.\nOutput: a 150-word announcement with a "
    "headline and three bullet points.",
]

# Agents whose tools are described in prose, with an ad-hoc call syntax and no JSON schema.
AGENT_CAPABILITIES = [
    ("search the web", "WEB(query)"),
    ("run Python code", "a ```python block"),
    ("execute shell commands", "a line starting with $"),
    ("read a file", "READ(path)"),
    ("write a file", "WRITE(path, content)"),
    ("send an email", "EMAIL(to, subject, body)"),
    ("query the company database", "SQL: <statement>"),
    ("check the weather", "WEATHER(city)"),
    ("do arithmetic with a calculator", "CALC(expression)"),
    ("open a web page", "OPEN(url)"),
    ("call our internal REST API", "API(method, path, body)"),
    ("create a calendar event", "EVENT(title, start, end)"),
    ("post a message to Slack", "SLACK(channel, text)"),
    ("look up an order", "ORDER(order_id)"),
]
AGENT_PROSE_SYSTEM = [
    "You are {name}, an autonomous assistant. You can {caps}. {syntax_sentence} The result of each action is "
    "shown to you after 'RESULT:'. Keep acting until the task is done, then write DONE.",
    "You have access to the following capabilities: {caps}. {syntax_sentence} Use them whenever they help; do "
    "not guess information you could look up.",
    "You are {name}. You work in a loop: choose an action, execute it, observe the output, and repeat. "
    "Available actions: {caps}. {syntax_sentence}",
    "You are {name}, an AI engineer with a sandboxed computer. You can {caps}. Plan first, then run one action "
    "at a time and check its output before continuing.",
    "As an operations agent you may {caps}. {syntax_sentence} Only one action per message. When you have "
    "finished, summarise what you did.",
    "Tools at your disposal: {caps}. {syntax_sentence} Think about which tool fits, call it, and wait for the "
    "observation.",
]
AGENT_NAMES = ["Atlas", "Helper-7", "OpsBot", "Scout", "Devon", "Orion", "Kite", "Relay", "Nova-Agent", "Pilot"]

# ---------------------------------------------------------------------------------------------------------
# More families, written for this project from public *descriptions* of evaluation harnesses, judge and grader
# set-ups and reasoning-model prompt formats (never from their text). Merged into the dicts above at the end.

_MORE_COT_USER: dict[str, list[str]] = {
    "cot-mc-answer-directive": [
        "{p}\n\nReply with only the option letter you pick.",
        "The following is a multiple-choice question. Choose the single best option.\n\n{p}\n\nRespond with just "
        "one letter.",
        "{p}\n\nThink it through, then on the final line write 'ANSWER: ' followed by the letter you chose.",
        'Pick the correct choice for the question below. Put the letter in the "answer" field of a JSON object, '
        'for example {{"answer": "C"}}, and output nothing else.\n\n{p}',
        "Question:\n{p}\n\nSelect one option. Your reply must end with: The correct answer is (X).",
        "Multiple-choice item on {subject}.\n\n{p}\nAnswer:",
        "Read the question and the options. Reply in the form <answer>LETTER</answer> and do not explain.\n\n{p}",
        "{p}\n\nOnly output the option's letter, nothing else.",
        "Examinee instructions: exactly one option is right. Work out which one step by step, then fill in "
        "'Final choice: _'.\n\n{p}",
        "以下是单项选择题，请直接给出正确答案的选项字母。\n\n{p}\n答案：",
        "{p}\n\nRéponds uniquement par la lettre de la bonne réponse.",
        "Benchmark item #{num3}. Choose from the lettered options.\n{p}\nYour choice (letter only):",
    ],
    "cot-structured-answer": [
        "{p}\n\nPut the final answer in the `answer` field of a JSON object, with your working in the `steps` "
        "field as a list of strings.",
        "Solve the problem. Report the result as <final_answer>...</final_answer>; the grader reads only that tag."
        "\n\n{p}",
        "{p}\n\nYour output will be parsed automatically. Finish with the line 'Answer: <number>' and "
        "write nothing after it.",
        "Problem statement: {p}\n\nReturn exactly two fields:\nREASONING: <your derivation>\nRESULT: <the value>",
        "{p}\n\nProvide the solution in this structure:\n### Analysis\n...\n### Answer\n<only the final value>",
        'Answer the question and give your reply as a JSON object with the keys "explanation" and "answer". The '
        "answer must be a single number or expression.\n\nQuestion: {p}",
        "{p}\n\nWrite your derivation, then the final value alone on the last line, prefixed by 'Result: '.",
    ],
    "cot-unusual-markup": [
        "{p}\n\nWrap your entire deliberation between ⟦reason⟧ and ⟦/reason⟧ and then state the result after ⟹.",
        "Competition problem:\n{p}\n\nBefore the answer, write all of your exploration inside a ```thinking code "
        "fence. After the fence, give only the final result.",
        "{p}\n\nFormat your reply as:\n=== WORKING ===\n(every step, including attempts that fail)\n=== RESULT ===\n"
        "(the answer)",
        "%%% problem %%%\n{p}\n%%% instructions %%%\nThink in the region delimited by <<< and >>> for as long as "
        "needed; afterwards write ANSWER={{value}}.",
        "Solve the olympiad problem below. Put the complete chain of reasoning between @@begin_reasoning@@ and "
        "@@end_reasoning@@, then the final answer.\n\n{p}",
        "{p}\n\n<|start_of_deliberation|> think here at length <|end_of_deliberation|> then give the solution in "
        "<|solution|> tags.",
        "Use this markup in your reply: [[scratch]] your private reasoning [[/scratch]] followed by [[final]] "
        "answer [[/final]].\n\nProblem: {p}",
        "{p}\n\nBegin with a section headed 'INTERNAL MONOLOGUE' where you reason freely, then a section 'ANSWER' "
        "with only the result.",
        "// reasoning_mode: extended\n// output: <scratchpad> first, then <result>\n\n{p}",
        "{p}\n\n§ THINK § reason without limits here § END THINK § and then the answer in one line.",
    ],
    "cot-eval-harness": [
        "Solve the following problem and explain each step. The last line of your reply must read "
        "'Final answer: <answer>'.\n\n{p}",
        "{p}\nWork it out step by step. At the end, write 'So the answer is' followed by the answer.",
        "Problem:\n{p}\n\nSolution: Let's go through it one step at a time.",
    ],
    "cot-few-shot-exemplar": [
        "Q: There are 5 birds on a fence and 3 fly away. How many are left?\nA: We start with 5 birds. 3 fly "
        "away, so 5 - 3 = 2. The answer is 2.\n\nQ: A box holds 4 rows of 6 eggs. How many eggs are in it?\nA: "
        "Each row has 6 eggs and there are 4 rows, so 4 x 6 = 24. The answer is 24.\n\nQ: {p}\nA:",
        "Exercise: What is 15% of 80?\nWorked answer: 15% means 15/100. 15/100 x 80 = 12.\nFinal answer: 12\n\n"
        "Exercise: {p}\nWorked answer:",
    ],
}

_MORE_COT_SYSTEM: dict[str, list[str]] = {
    "cot-think-answer-format": [
        "Respond using two blocks. In <analysis></analysis> reason through the question thoroughly; in "
        "<final></final> give only the conclusion.",
    ],
    "cot-deliberation-system": [
        "You are a model that thinks before it speaks. Spend as long as you need exploring the problem, question "
        "your own intermediate results, and present a clean solution only at the end.",
    ],
}

_MORE_JUDGE: dict[str, list[str]] = {
    "judge-pairwise": [
        "You compare two chatbot replies to the same user message. Read both carefully, reason about which one "
        "is more accurate and more useful, and end with a single line: 'Winner: 1', 'Winner: 2' or "
        "'Winner: draw'.\n\nUser message:\n{q}\n\nReply 1:\n{a}\n\nReply 2:\n{b}",
        "[Task] Decide which model answer a careful human expert would prefer.\n[Prompt] {q}\n[Answer X] {a}\n"
        "[Answer Y] {b}\nFirst write a short comparison, then output your choice as X or Y.",
        "I will show you a question and two candidate completions, labelled Left and Right. Judge them only on "
        "correctness and faithfulness to the question; length earns no credit. Explain briefly, then print LEFT, "
        "RIGHT or EQUAL.\n\nQuestion: {q}\n\nLeft: {a}\n\nRight: {b}",
        "Preference annotation.\nPrompt: {q}\n\nCompletion A: {a}\n\nCompletion B: {b}\n\nWhich completion is "
        "better overall? Give your reasoning, then a preference on a 7-point scale where 1 means A is much better "
        "and 7 means B is much better.",
        "Two systems were asked the same thing. System one said: {a}\n\nSystem two said: {b}\n\nThe request was: "
        "{q}\n\nWhich system did the job better, and by how much (slightly / clearly / much)? Think it over "
        "before deciding.",
        "Compare les deux réponses ci-dessous à la même question et indique laquelle est la meilleure. Justifie "
        "d'abord, puis écris « Choix : 1 » ou « Choix : 2 ».\n\nQuestion : {q}\n\nRéponse 1 : {a}\n\n"
        "Réponse 2 : {b}",
    ],
    "judge-batch-ranking": [
        "Below are several candidate answers to one question, produced by different models. Rank all of them from "
        "best to worst for correctness and helpfulness. Explain the key differences, then give the ranking as a "
        "comma-separated list of candidate numbers.\n\nQuestion: {q}\n\n{outputs}",
        "You are ranking model generations for a preference dataset. For the prompt below, order the responses "
        'from most to least preferred and return JSON: {{"ranking": [ids in order], "notes": "..."}}.\n\n'
        "Prompt: {q}\n\n{outputs}",
        "Select the single best response among the options below and explain why the others fall short. Reply "
        "with the identifier of the best one on the last line.\n\n### Instruction\n{q}\n\n### Candidates\n"
        "{outputs}",
        "Tournament round. Each contestant answered the same query. Score every contestant from 0 to 10, give one "
        "sentence of justification each, and announce the winner.\n\nQuery: {q}\n\n{outputs}",
        "Which of these outputs are acceptable answers to the question? Go through them one by one, mark each "
        "ACCEPT or REJECT with a reason, then list the accepted ids.\n\nQuestion: {q}\n\n{outputs}",
        "对以下同一问题的多个模型回答进行排序，从最好到最差，先逐一分析，再给出最终排序。\n\n问题：{q}\n\n{outputs}",
    ],
    "judge-structured-verdict": [
        "Evaluate the assistant's reply to the user. Respond with a JSON object only, with the keys "
        '"reasoning" (a short analysis), "score" (an integer from 1 to 10) and "verdict" ("good" or "bad").\n\n'
        "User: {q}\nAssistant: {b}",
        "You are an evaluation service. After comparing the two answers, call the function "
        'record_judgement(winner: "A" | "B" | "tie", confidence: float, rationale: str) exactly once.\n\n'
        "Question: {q}\nAnswer A: {a}\nAnswer B: {b}",
        "Compare the response with the reference and output YAML with the fields correct (true/false), "
        "error_type (none, arithmetic, reasoning, format, other) and explanation.\n\nQuestion: {q}\n"
        "Reference: {a}\nResponse: {b}",
        "Return your assessment as XML: <evaluation><analysis>...</analysis><helpfulness>1-5</helpfulness>"
        "<harmlessness>1-5</harmlessness></evaluation>\n\nConversation:\nuser: {q}\nassistant: {b}",
        "Judge whether the answer below is faithful to the question and free of made-up facts. Output exactly one "
        'line of JSON such as {{"faithful": true, "hallucination": false, "why": "..."}}.\n\nQuestion: {q}\n'
        "Answer: {b}",
        "For the pair of model outputs below, fill in this template and nothing else:\nanalysis: <two to four "
        "sentences>\npreferred: <1 or 2>\nmargin: <small | large>\n\nInput: {q}\nOutput 1: {a}\nOutput 2: {b}",
    ],
    "judge-reference-grader": [
        "Grade the student's response against the answer key. Ignore formatting differences such as units, "
        "spacing or an equivalent fraction. Briefly explain, then output GRADE: A (correct), B (incorrect) or "
        "C (not attempted).\n\nProblem: {q}\nAnswer key: {a}\nStudent response: {b}",
        "Here is a question, the expected answer and a model's prediction. Is the prediction correct? Reason "
        "about it, then reply with yes or no.\n\nQuestion: {q}\nExpected: {a}\nPrediction: {b}",
        "Check whether the final numeric result in the response matches the target value. Extract the final "
        "result first, compare it, and print MATCH or MISMATCH.\n\nTarget: {a}\nResponse: {b}",
        "You verify math answers. Decide whether expression 1 and expression 2 denote the same value, showing the "
        "simplification, and finish with [[SAME]] or [[DIFFERENT]].\nExpression 1: {a}\nExpression 2: {b}",
    ],
    "judge-single-rating": [
        "On a scale of 1 (useless) to 5 (excellent), how good is this answer to the question? Write your "
        "reasoning, then 'Rating: X/5'.\n\nQuestion: {q}\n\nAnswer: {b}",
        "Act as a quality reviewer for an AI assistant. Read the exchange, list its strengths and weaknesses, and "
        "give an overall grade out of 100.\n\n<user>{q}</user>\n<assistant>{b}</assistant>",
    ],
    "judge-rubric-reward": [
        "Apply the scoring rubric below to the model's answer. Rubric: 5 = fully correct with sound reasoning; "
        "4 = correct with minor gaps; 3 = partially correct; 2 = mostly wrong; 1 = wrong or off-topic. Quote the "
        "parts of the answer that justify your score, then state the score.\n\nTask: {q}\nModel answer: {b}",
        "Act as a reward model for reinforcement learning. Output a scalar reward in [-1, 1] for the completion, "
        "preceded by a brief justification of how well it satisfies the instruction.\n\nInstruction: {q}\n"
        "Completion: {b}",
    ],
    "judge-step-verifier": [
        "Label every step of the solution below as positive (correct and useful), neutral or negative (wrong). "
        "Give a one-line reason per step, then the overall verdict.\n\nQuestion: {q}\n\nSolution:\n{b}",
        "Verify the proof below line by line. For each line, say whether it follows from the previous lines; "
        "stop at the first gap and describe it.\n\nStatement: {q}\nProof:\n{b}",
    ],
    "judge-code-grader": [
        "Review the submitted function. Run through the examples by hand, consider edge cases, and decide whether "
        'it is correct. Answer with a JSON object {{"correct": true or false, "failing_input": ...}}.\n\n'
        "Specification:\n{q}\n\nCode:\n{b}",
        "You score submissions for a programming contest. Estimate the fraction of hidden tests this code passes "
        "and explain your reasoning.\n\nProblem:\n{q}\n\nSubmission:\n{b}",
    ],
}

# How a batch of candidate outputs is laid out for the ranking judges ({i}: 1-based index, {x}: the output).
RANKING_LAYOUTS = [
    "Candidate {i}: {x}",
    "[{i}] {x}",
    "### Response {i}\n{x}",
    "<output id={i}>{x}</output>",
    "Model {i} answered: {x}",
]

_MORE_CODING_AGENT_SYSTEM = {
    "agent-browser": [
        "You control a headless browser through these commands: NAVIGATE <url>, CLICK <selector>, FILL <selector> "
        "<text>, EXTRACT <selector>, DONE <answer>. After each command you receive the new page snapshot. Reach "
        "the user's goal with as few commands as possible.",
        "You are a web shopping agent. Each turn you observe the page as simplified HTML and must output exactly "
        "one action: search[keywords], click[button text] or buy[item id].",
    ],
}
_MORE_CODING_AGENT_USER = {
    "agent-browser": [
        "Goal: {issue}\n\nPage snapshot:\n<html><body><input id='q'/><button id='go'>Search</button>"
        "</body></html>\n\nNext command?",
    ],
}

# Multiple-choice items written for this project: fillers for the MC families when no corpus item is available.
AUTHORED_MC = [
    "Which gas makes up most of the Earth's atmosphere?\nA. Oxygen\nB. Nitrogen\nC. Carbon dioxide\nD. Argon",
    "What is the derivative of x^3?\nA. 3x^2\nB. x^2\nC. 3x\nD. x^4/4",
    "Which organelle produces most of a cell's ATP?\nA. Nucleus\nB. Ribosome\nC. Mitochondrion\nD. Golgi body",
    "If a car travels 150 km in 2.5 hours, what is its average speed?\n(A) 50 km/h\n(B) 60 km/h\n(C) 65 km/h\n"
    "(D) 75 km/h",
    "Which of these numbers is prime?\nA) 51\nB) 57\nC) 59\nD) 63",
    "In which year did the Berlin Wall fall?\nA. 1985\nB. 1989\nC. 1991\nD. 1993",
    "What is the time complexity of binary search on a sorted array?\nA. O(n)\nB. O(log n)\nC. O(n log n)\nD. O(1)",
    "Which law states that current is voltage divided by resistance?\nA. Newton's second law\nB. Hooke's law\n"
    "C. Ohm's law\nD. Boyle's law\nE. Faraday's law",
]

# ---------------------------------------------------------------------------------------------------------
# ordinary hard negatives for the two false alarms seen on external data

# Role-play games and quizzes with rules, scores and answers.
ORDINARY_GAMES = [
    "Let's play twenty questions. I'm thinking of an animal. You may ask yes/no questions only, one at a time, "
    "and you have twenty tries. Keep count of your questions. Ready?",
    "You are the host of a trivia quiz about {subject}. Rules: ask me 10 questions one at a time, wait for my "
    "answer, tell me if I'm right and give the correct answer if not, and keep a running score. At the end, "
    "announce my final score out of 10.",
    "Let's play a word game. Rules: I say a word, you reply with a word that starts with the last letter of "
    "mine. No repeats, no proper nouns. Whoever breaks a rule loses a point. I start: apple.",
    "Play tic-tac-toe with me. Draw the board in text after each move; I'm X and you're O. Check for a winner "
    "after every move and announce it.",
    "You are the narrator of a murder-mystery game. There are {num} suspects. Give me clues one at a time; I can "
    "ask to question a suspect. The solution must be consistent with the clues. Do not reveal the culprit until I "
    "make an accusation.",
    "Let's play hangman. Think of a word about cooking, show the blanks, and I'll guess one letter at a time. I "
    "have 6 lives. Show the remaining lives after each guess.",
    "I want to practise mental maths. Give me arithmetic questions of increasing difficulty, one at a time, and "
    "tell me the correct answer after each of my replies. Keep score and stop after {num} questions.",
    "You are a riddle master. Tell me a riddle; I get three guesses. After each wrong guess give a hint. When I "
    "get it or run out of guesses, reveal the answer and tell the next riddle.",
    "Role-play: you are a shopkeeper in a fantasy village and I am a traveller with 50 gold coins. Rules: prices "
    "must be fair, haggling is allowed, and you keep track of my inventory and gold after every trade.",
    "Let's play a guessing game: pick a number between 1 and 100 and don't tell me. I'll guess, and you answer "
    "'higher', 'lower' or 'correct'. Count my guesses.",
    "Act as a game master for a text adventure set on a space station. Rules: describe each room in two "
    "sentences, list the exits, let me type commands like 'go north' or 'take key', track my health (it starts "
    "at 10) and end the game if it reaches 0.",
    "Jouons au pendu ! Choisis un mot, montre les tirets et je propose une lettre à la fois. J'ai 7 essais.",
    "We're playing 'two truths and a lie'. Give me three statements about famous scientists; exactly one must "
    "be false. I'll guess which is the lie, then you reveal the answer and explain.",
    "Quiz me on European capitals. Rules: four options per question, one question per message, and after my "
    "answer say whether I was right and give the correct option.",
    "Be my opponent in a debate game. Topic: school uniforms. Rules: three rounds, each argument under 80 words, "
    "and at the end you score both of us from 1 to 10 on logic and evidence.",
    "Spielen wir Stadt-Land-Fluss! Du nennst einen Buchstaben, ich antworte, und du vergibst Punkte nach den "
    "üblichen Regeln.",
]

# Instruction-following requests that say "think step by step" inside an everyday task.
ORDINARY_STEPWISE = [
    "Think step by step about what I should bring on a five-day walking trip in Wales, then give me a checklist "
    "of no more than 15 items.",
    "Write a 150-word product description for a reusable water bottle. Think step-by-step about who the buyer "
    "is first, but only show me the final description.",
    "I need to choose between two job offers. Walk me through the decision step by step: salary, commute, "
    "growth, team. Then tell me which questions I should still ask.",
    "Plan my Saturday step by step: I need to do laundry, buy groceries, go to the gym and call my mum, and I "
    "want the afternoon free.",
    "Explain step by step how to repot a houseplant without damaging the roots. Use numbered steps and keep each "
    "under 20 words.",
    "Let's think this through step by step: how do I politely tell my flatmate to clean up after themselves? "
    "Give me two example messages.",
    "Write a haiku about rain. Think step by step about the syllable count before you answer, and make sure the "
    "lines follow 5-7-5.",
    "Reason step by step and tell me whether I can afford a {num}0-euro weekly food budget on a salary of 2,400 "
    "euros after tax, with 1,100 going to rent.",
    "Step by step, help me write a wedding toast for my sister: first ask me three questions about her, then draft it.",
    "Think carefully, step by step, about how to explain photosynthesis to a seven-year-old, and then write the "
    "explanation in two short paragraphs.",
    "Write an email to my team announcing a new holiday policy. Before writing, think step by step about what "
    "they will worry about, and address those worries. Under 200 words, no jargon.",
    "Paso a paso, explícame cómo preparar una entrevista de trabajo en inglés, y termina con tres frases útiles.",
    "Give me a step-by-step plan to learn to swim as an adult, as a table with the columns Week | Goal | Exercise.",
    "Think step by step and write a respectful reply to a customer who received the wrong size of shoes. Keep "
    "it to four sentences and offer a free exchange.",
    "Go step by step: how should I prepare my garden beds for winter? Answer in exactly five bullet points.",
    "Denk Schritt für Schritt darüber nach, wie ich meinen Umzug organisiere, und gib mir eine Liste mit zehn "
    "Aufgaben.",
]
# Curious questions and estimates where the user wants the reasoning explained (ordinary: no answer format, no
# harness, a person asking to understand).
ORDINARY_EXPLAIN_REASONING = [
    "How many piano tuners do you think work in a city of one million people? Walk me through how you get to "
    "your estimate.",
    "Roughly how many litres of water does a person drink in a lifetime? Show me how you reason about it so I "
    "can follow.",
    "Why do we have leap years? Please explain the reasoning behind it in simple steps.",
    "How far could you walk in a day if you never stopped? Explain your thinking as you go.",
    "How many grains of rice fit in a cup? I'd like to understand the reasoning, not just a number.",
    "Why does ice float on water? Take me through the explanation gradually, like a good teacher would.",
    "How long would it take to count to a million out loud? Explain how you work it out.",
    "Is it cheaper to drive or take the train for a 300 km trip for two people? Reason it out for me.",
    "How many books could fit in a typical living room if it were packed full? Talk me through your logic.",
    "Why is the ocean salty but rivers are not? Explain the chain of causes one by one.",
    "About how many words does an average person speak in a year? Explain your reasoning clearly.",
    "Why do onions make people cry? Walk me through what happens, step by step.",
]

# Wrappers that put the same kind of directive around a corpus request.
ORDINARY_STEPWISE_WRAPPERS = [
    "{p}\n\nPlease think step by step, and keep your answer under 100 words.",
    "{p}\n\nGo through it gradually, in a friendly tone, with a short bulleted list at the end.",
    "{p} Reason it out carefully before you write, and use at most three paragraphs.",
    "Step by step, please: {p}",
    "{p}\n\nThink step-by-step. Answer in plain English without any headings.",
]

# Everyday requests that talk about rating, grading, ranking or reviewing (not a judge harness).
ORDINARY_EVALUATION_TALK = [
    "Can you rate my poem out of 10 and tell me how to improve it?\n\nThe moon hangs low / over the quiet "
    "harbour / boats asleep in rows",
    "Which slogan is better for a bakery: 'Fresh every morning' or 'Baked with love since 1998'? Why?",
    "I'm a teacher. Help me write a rubric for grading a 5th-grade science project on plants, with four criteria "
    "and four levels each.",
    "Here are two versions of my cover letter opening. Which one sounds more confident?\n\nVersion A: I am "
    "writing to apply for the role.\nVersion B: I'd love to bring my five years of design experience to your team.",
    "Review my code and give it a grade like a strict professor would:\n\ndef average(values):\n    return "
    "sum(values) / len(values)",
    "My son wrote this answer on his homework: '7 x 8 = 54'. How do I explain gently that it's wrong?",
    "Rank these holiday destinations for a family with toddlers: Lisbon, Reykjavik, Mallorca, Vienna. Explain briefly.",
    "What makes a good peer review for a scientific paper? Give me a checklist.",
    "I'm judging a school baking contest tomorrow. What criteria should I use and how should I score fairly?",
    "Compare the cameras of two mid-range phones for low-light photos and tell me what to look for in reviews.",
    "Is my answer to this riddle right? Riddle: what has keys but can't open locks? My answer: a piano.",
    "Évalue mon CV sur 10 et dis-moi ce qu'il faut changer en priorité.",
    "How do film critics decide on star ratings? Explain the process.",
    "Grade my essay introduction from A to F and suggest one improvement:\n\nSocial media has changed how "
    "teenagers communicate, for better and for worse.",
    "My friend and I disagree: is a hot dog a sandwich? Judge our arguments. Mine: it's bread around a filling. "
    "Hers: nobody calls it that.",
    "I wrote two opening lines for my novel. Which is stronger and why?\n1) The rain had not stopped for nine "
    "days.\n2) Nobody in Harrow Street noticed when the clocks stopped.",
]


def _add(target: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for family, templates in more.items():
        target.setdefault(family, []).extend(templates)


_add(COT_USER, _MORE_COT_USER)
_add(COT_SYSTEM, _MORE_COT_SYSTEM)
_add(JUDGE, _MORE_JUDGE)
_add(CODING_AGENT_SYSTEM, _MORE_CODING_AGENT_SYSTEM)
_add(CODING_AGENT_USER, _MORE_CODING_AGENT_USER)
