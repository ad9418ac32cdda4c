"""Scores an own-labelled state test set: actor_sentiment against per-state gold labels."""
import csv, sys, itertools
V={'negative':-1,'neutral':0,'positive':1}
def rank(x):
    o=sorted(range(len(x)),key=lambda i:x[i]); r=[0]*len(x); i=0
    while i<len(o):
        j=i
        while j+1<len(o) and x[o[j+1]]==x[o[i]]: j+=1
        for k in range(i,j+1): r[o[k]]=(i+j)/2
        i=j+1
    return r
def spearman(a,b):
    ra,rb=rank(a),rank(b); n=len(a); ma,mb=sum(ra)/n,sum(rb)/n
    c=sum((x-ma)*(y-mb) for x,y in zip(ra,rb)); return c/(sum((x-ma)**2 for x in ra)*sum((y-mb)**2 for y in rb))**.5
def f1(g,p):
    out=[]
    for c in (-1,0,1):
        tp=sum(1 for a,b in zip(g,p) if a==c and b==c); fp=sum(1 for a,b in zip(g,p) if a!=c and b==c); fn=sum(1 for a,b in zip(g,p) if a==c and b!=c)
        out.append(2*tp/(2*tp+fp+fn) if tp else 0)
    return sum(out)/3, out
gold=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])][1:]
rows=list(csv.DictReader(open(sys.argv[2])))
G,A,S,L,pairs=[],[],[],[],[]
LV={'negative':-1,'neutral':0,'positive':1}
for (t,lab),r in zip(gold,rows):
    g={k:V[v] for k,v in (x.split(':') for x in lab.split(';'))}
    p={k:float(v) for k,v in (x.split(':') for x in r['actor_sentiment'].split(';') if x)}
    assert set(g)==set(p),(t,g,p)
    for k in g:
        G.append(g[k]); A.append(p[k]); S.append(float(r['sentiment'])); L.append(LV[r['sentiment_label']])
    for a,b in itertools.combinations(g,2):
        if g[a]!=g[b]: pairs.append((g[a]-g[b])*(p[a]-p[b])>0)
band=lambda v:-1 if v<-1/3 else (1 if v>1/3 else 0)
print(f"states {len(G)} (neg {G.count(-1)}, neu {G.count(0)}, pos {G.count(1)}); pairs with different gold {len(pairs)}")
print(f"Spearman actor_sentiment {spearman(A,G):.3f}; sentence sentiment {spearman(S,G):.3f}; sentence_label {spearman(L,G):.3f}")
print(f"pairwise order right: actor_sentiment {sum(pairs)/len(pairs):.3f} ({sum(pairs)}/{len(pairs)}); any sentence-level score 0.5 (ties)")
m,per=f1(G,[band(v) for v in A]); print(f"macro-F1 actor_sentiment (|v|>1/3 band) {m:.3f} {[round(x,3) for x in per]}")
m,per=f1(G,L); print(f"macro-F1 sentence_label for every state {m:.3f} {[round(x,3) for x in per]}")
