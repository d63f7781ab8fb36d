# Reduced input: examples/richards with smaller sizes (tests/conformance/small/make_small.py)
# Python twin of richards.cpasm: Martin Richards' operating-system simulation
# benchmark (after the pyperformance version), with every object an array
# whose fields sit at fixed indexes, exactly as in the VM program.
#
# packet: [0 link, 1 ident, 2 kind, 3 datum, 4 data (list of 4 ints)]
# task:   [0 link, 1 ident, 2 priority, 3 input, 4 packet_pending,
#          5 task_waiting, 6 task_holding, 7 kind, 8 rec1, 9 rec2]
# task kinds (7): 0 device (rec1 pending), 1 handler (rec1 work_in,
#          rec2 device_in), 2 idle (rec1 control, rec2 count),
#          3 worker (rec1 destination, rec2 count)
I_IDLE = 1
I_WORK = 2
I_HANDLERA = 3
I_HANDLERB = 4
I_DEVA = 5
I_DEVB = 6
K_DEV = 1000
K_WORK = 1001

task_tab = None
task_list = None
hold_count = 0
qpkt_count = 0


def new_packet(link, ident, kind):
    return [link, ident, kind, 0, [0, 0, 0, 0]]


def append_to(pkt, lst):
    pkt[0] = None
    if not lst:
        return pkt
    p = lst
    nxt = p[0]
    while nxt:
        p = nxt
        nxt = p[0]
    p[0] = pkt
    return lst


def new_task(ident, prio, inp, pp, tw, th, kind, rec1, rec2):
    global task_list
    t = [task_list, ident, prio, inp, pp, tw, th, kind, rec1, rec2]
    task_list = t
    task_tab[ident] = t


def add_packet(t, pkt, old):
    if not t[3]:
        t[3] = pkt
        t[4] = True
        if t[2] > old[2]:
            return t
    else:
        append_to(pkt, t[3])
    return old


def wait_task(t):
    t[5] = True
    return t


def hold(t):
    global hold_count
    hold_count = hold_count + 1
    t[6] = True
    return t[0]


def release(t, ident):
    u = task_tab[ident]
    u[6] = False
    if u[2] > t[2]:
        return u
    return t


def qpkt(t, pkt):
    global qpkt_count
    u = task_tab[pkt[1]]
    qpkt_count = qpkt_count + 1
    pkt[0] = None
    pkt[1] = t[1]
    return add_packet(u, pkt, t)


def device_fn(t, pkt):
    if not pkt:
        pkt = t[8]
        if not pkt:
            return wait_task(t)
        t[8] = None
        return qpkt(t, pkt)
    t[8] = pkt
    return hold(t)


def handler_fn(t, pkt):
    if pkt:
        if pkt[2] == K_WORK:
            t[8] = append_to(pkt, t[8])
        else:
            t[9] = append_to(pkt, t[9])
    work = t[8]
    if not work:
        return wait_task(t)
    count = work[3]
    if count >= 4:
        t[8] = work[0]
        return qpkt(t, work)
    dev = t[9]
    if not dev:
        return wait_task(t)
    t[9] = dev[0]
    dev[3] = work[4][count]
    work[3] = count + 1
    return qpkt(t, dev)


def idle_fn(t, pkt):
    t[9] = t[9] - 1
    if t[9] == 0:
        return hold(t)
    control = t[8]
    if control & 1 == 0:
        t[8] = control // 2
        return release(t, I_DEVA)
    t[8] = (control // 2) ^ 0xD008
    return release(t, I_DEVB)


def work_fn(t, pkt):
    if not pkt:
        return wait_task(t)
    if t[8] == I_HANDLERA:
        dest = I_HANDLERB
    else:
        dest = I_HANDLERA
    t[8] = dest
    pkt[1] = dest
    pkt[3] = 0
    data = pkt[4]
    i = 0
    while i < 4:
        c = t[9] + 1
        if c > 26:
            c = 1
        t[9] = c
        data[i] = 65 + c - 1
        i = i + 1
    return qpkt(t, pkt)


def run_task(t):
    msg = None
    if t[4] and t[5] and not t[6]:
        msg = t[3]
        t[3] = msg[0]
        if not t[3]:
            t[4] = False
        t[5] = False
        t[6] = False
    kind = t[7]
    if kind == 0:
        return device_fn(t, msg)
    if kind == 1:
        return handler_fn(t, msg)
    if kind == 2:
        return idle_fn(t, msg)
    return work_fn(t, msg)


def schedule():
    t = task_list
    while t:
        if t[6] or (not t[4] and t[5]):
            t = t[0]
        else:
            t = run_task(t)


def run_once():
    global task_tab, task_list, hold_count, qpkt_count
    task_tab = [None] * 10
    task_list = None
    hold_count = 0
    qpkt_count = 0
    # idle task: running (nothing pending, not waiting, not holding)
    new_task(I_IDLE, 1, None, False, False, False, 2, 1, 10000)
    wkq = new_packet(None, 0, K_WORK)
    wkq = new_packet(wkq, 0, K_WORK)
    new_task(I_WORK, 1000, wkq, True, True, False, 3, I_HANDLERA, 0)
    wkq = new_packet(None, I_DEVA, K_DEV)
    wkq = new_packet(wkq, I_DEVA, K_DEV)
    wkq = new_packet(wkq, I_DEVA, K_DEV)
    new_task(I_HANDLERA, 2000, wkq, True, True, False, 1, None, None)
    wkq = new_packet(None, I_DEVB, K_DEV)
    wkq = new_packet(wkq, I_DEVB, K_DEV)
    wkq = new_packet(wkq, I_DEVB, K_DEV)
    new_task(I_HANDLERB, 3000, wkq, True, True, False, 1, None, None)
    # device tasks: waiting, no input
    new_task(I_DEVA, 4000, None, False, True, False, 0, None, None)
    new_task(I_DEVB, 5000, None, False, True, False, 0, None, None)
    schedule()
    return hold_count == 9297 and qpkt_count == 23246


def main():
    ok = 0
    k = 0
    while k < 2:
        if run_once():
            ok = ok + 1
        k = k + 1
    print(ok)
    print(hold_count)
    print(qpkt_count)


main()
