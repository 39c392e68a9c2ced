"""Build ``mmintern/datasets/label_system/gvd_taxonomy.json``, the GV-D
concept taxonomy, deterministically.

The taxonomy is

1. the hand-written top of the hierarchy, :data:`TOP` below: one concept a
   line, ``name | synonym, synonym``, its parent the line above it with
   two spaces less indentation. Ids are the line numbers (1-based): append
   new concepts at the end of a block only if you accept new ids for the
   lines below; never reorder for cosmetic reasons.
2. leaf concepts generated from the class tables of the datasets in
   :data:`LEAF_RULES`, each attached to a parent by the rule table: a
   dataset-wide parent, an index range (ImageNet, by its WordNet order),
   or the dataset's own species convention (Oxford-IIIT Pets: cat breeds
   are capitalised). A leaf's parent is then refined to the most specific
   concept under the rule's parent that a head noun of one of its names
   names (``'tiger shark'`` -> ``'shark'``). Leaf ids are
   ``block + class index`` (the blocks of :data:`LEAF_RULES`), so they do
   not move when other datasets or top concepts change.

A leaf whose own (first) name is a name of a concept under its rule's
parent, or one of whose synonyms is the canonical name of a leaf of an
earlier dataset under it, is merged into that concept (once per dataset): its names become synonyms there, and it gets no id of its own.
ImageNet's comma-separated names are the canonical name and synonyms.

Usage::

    python tools/dataset_converters/build_gvd_taxonomy.py [--out PATH]
    python tools/dataset_converters/build_gvd_taxonomy.py --check
"""
import argparse
import json
import os.path as osp
import sys
from typing import Dict, List, Optional

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from mmintern.datasets.label_system.mapping import (  # noqa: E402
    GTSRB_SIGN_NAMES, dataset_classes)
from mmintern.datasets.label_system.taxonomy import (  # noqa: E402
    DEFAULT_TAXONOMY_FILE, normalize_name)

TOP = """
entity | thing, object
  background | bg, background google, clutter
  organism | living thing, being
    person | human, human being, people, individual, pedestrian, rider, persons
      man | male
      woman | female, lady
      boy
      girl
      baby | infant, toddler
      face | human face, faces
    animal | fauna, beast, creature
      vertebrate
        mammal
          carnivore
            canine | canid
              dog | domestic dog, canis familiaris, puppy, hound
              wolf
              fox
            feline | felid
              cat | domestic cat, house cat, kitten, kitty
              big cat | wild cat
                lion
                tiger
                leopard | panther
                cheetah
                cougar | puma, mountain lion
            bear
            panda | giant panda
            raccoon
            skunk
            otter
            weasel
            seal | sea lion
          ungulate | hoofed mammal
            horse | equine, pony, foal
            zebra
            cow | cattle, ox, bull, calf, cows
            sheep | lamb, ram
            goat
            pig | hog, swine, boar
            deer | antelope
            giraffe
            camel
            llama | alpaca
            rhinoceros | rhino
            hippopotamus | hippo
          elephant
          primate
            monkey
            ape
              chimpanzee | chimp
          rodent
            mouse | mice
            rat
            squirrel
            hamster
            beaver
            porcupine
          rabbit | hare, bunny
          marsupial
            kangaroo | wallaby
            koala
            possum | opossum
          marine mammal | cetacean
            whale
            dolphin | porpoise
          shrew
        bird | fowl
          chicken | hen, rooster, cock, poultry
          duck
          goose
          swan
          owl
          parrot
          eagle | hawk
          penguin
          flamingo
          pigeon | dove
          ostrich
          emu
          ibis
          stork
        fish
          shark
          ray | stingray
          trout
          salmon
          goldfish
          flatfish
          aquarium fish
        reptile
          snake | serpent
          lizard
          turtle | tortoise
          crocodile | alligator, crocodilian
          dinosaur
        amphibian
          frog | toad
          salamander | newt
      invertebrate
        arthropod
          insect | bug
            bee | honeybee
            beetle
            butterfly
            moth
            ant
            cockroach | roach
            dragonfly
            caterpillar
            fly | housefly
          arachnid
            spider
            scorpion
          crustacean
            crab
            lobster
            crayfish
            shrimp | prawn
        mollusc | mollusk
          snail
          octopus
          squid
        worm
        echinoderm
          starfish | sea star
        jellyfish
    plant | flora
      tree
        palm tree | palm
      flower | bloom, blossom
        rose
        sunflower
        tulip
        orchid
        poppy
        daisy
        lotus
        water lily | water lilly
        lily
      potted plant | pottedplant, houseplant, flowerpot
      grass | lawn
      bush | shrub
      vegetation | herbaceous vegetation, greenery
      crop | annual crop, permanent crop
      fungus | fungi
        mushroom | toadstool
  artifact | artefact, man made object
    vehicle | conveyance
      car | automobile, auto, motorcar
      bus | autobus, coach
      truck | lorry
      motorcycle | motorbike, motor bike
      bicycle | bike, cycle
      train | railway train
        locomotive | engine
      streetcar | tram, trolley car
      tractor
      tank | armored combat vehicle
      cart | wagon
      aircraft
        airplane | aeroplane, plane, airliner, jet
        helicopter
      watercraft | vessel
        boat
        ship
      spacecraft
        rocket
      sled | sledge
      wheelchair
    furniture
      chair | seat
      couch | sofa, settee
      bed
      table | dining table, diningtable
      bench
      cabinet | cupboard
      wardrobe | closet
      shelf | bookcase, bookshelf
      toilet | lavatory
      sink | washbasin
      bathtub | tub
      lamp | light
      curtain | drape
      chandelier
    container
      bottle
      cup | mug
      bowl
      vase
      bag | handbag, purse
      backpack | rucksack, knapsack
      suitcase | luggage
      box
      can | tin
      plate | dish
      wine glass
      basket
      barrel
    electronic device | device, electronics
      television | tv, tvmonitor, tv monitor, tv set
      computer
        laptop | notebook computer
      computer keyboard | keyboard
      computer mouse
      remote control | remote
      telephone | phone
        cell phone | mobile phone, cellphone, smartphone
      camera
      clock
      watch | wristwatch
      headphone | headphones
    appliance | home appliance
      microwave | microwave oven
      oven
      toaster
      refrigerator | fridge
      lawn mower | lawnmower
      fan | ceiling fan
    utensil | tableware, cutlery
      fork
      knife
      spoon
    tool
      scissors
      hair drier | hair dryer
      toothbrush
      wrench | spanner
      hammer
    umbrella | parasol
    sports equipment
      ball | sports ball
      frisbee
      skis | ski
      snowboard
      kite
      baseball bat
      baseball glove
      skateboard
      surfboard
      tennis racket | racket
    musical instrument | instrument
      guitar
      piano
      saxophone | sax
      drum
    toy
      teddy bear | teddy
    clothing | clothes, apparel, garment
      tie | necktie
      hat | cap
      shoe | footwear
    book
    sign | signboard
      traffic sign | road sign
        stop sign
      traffic light | traffic signal, stoplight
    fire hydrant | hydrant
    parking meter
    weapon
      gun | firearm
    structure | construction
      building | edifice
        house | home
        skyscraper
        church | chapel
        castle
        tower
        palace
        stadium | arena
        storage tank
      bridge
      road | street
        highway | freeway, motorway
      railway | railroad, railway track
      runway
      fence
      wall
      door
      window | windowpane
      floor
      ceiling
      stairs | staircase, stairway
      fountain
      room
  scene | place, setting
    natural scene | landscape
      beach | seashore, coast, shore
      forest | woods, woodland, jungle
      mountain | mount, mountains, hill
      desert
      sea | ocean
      lake | pond
      river | stream, creek
      island
      meadow | pasture, prairie
      wetland | marsh, swamp
      sky
      cloud | clouds
      plain | grassland
      valley
      volcano
      glacier | snowfield
      sea ice | ice
      earth | ground, soil
      water
    urban scene | cityscape
      residential area
      industrial area
      commercial area
      parking lot | car park
      airport
      harbor | harbour, port
      intersection | crossroads
      farmland | farm
      golf course
      sports field | playing field
        tennis court
        basketball court
  food | dish, foodstuff, meal
    fruit
      apple
      banana
      orange
      pear
      strawberry
      lemon
    vegetable
      broccoli
      carrot
      sweet pepper | bell pepper
      cabbage
    sandwich
    hamburger | burger
    hot dog | hotdog
    pizza
    donut | doughnut
    cake
    dessert
    soup
    salad
    bread
  texture | pattern, surface texture
  digit | numeral
    zero
    one
    two
    three
    four
    five
    six
    seven
    eight
    nine
  facial expression | emotion, expression
    anger | angry
    disgust | disgusted
    fear | afraid, scared
    happiness | happy, joy
    sadness | sad
    surprise | surprised
    neutral expression | neutral
  medical finding
    diabetic retinopathy grade
      no dr | no diabetic retinopathy
      mild dr | mild, mild diabetic retinopathy
      moderate dr | moderate, moderate diabetic retinopathy
      severe dr | severe, severe diabetic retinopathy
      proliferative dr | proliferative diabetic retinopathy
    tissue
      normal tissue | normal
      tumor tissue | tumor, tumour, metastatic tissue
"""

# ImageNet-1k index ranges (WordNet order) -> parent concept.
IMAGENET_RANGES = (
    (0, 6, 'fish'), (7, 24, 'bird'), (25, 32, 'amphibian'),
    (33, 68, 'reptile'), (69, 79, 'arthropod'), (80, 100, 'bird'),
    (101, 106, 'mammal'), (107, 126, 'invertebrate'), (127, 146, 'bird'),
    (147, 150, 'marine mammal'), (151, 268, 'dog'), (269, 280, 'canine'),
    (281, 285, 'cat'), (286, 293, 'big cat'), (294, 297, 'bear'),
    (298, 299, 'carnivore'), (300, 326, 'insect'), (327, 329, 'echinoderm'),
    (330, 332, 'rabbit'), (333, 338, 'rodent'), (339, 355, 'ungulate'),
    (356, 362, 'carnivore'), (363, 364, 'mammal'), (365, 384, 'primate'),
    (385, 386, 'elephant'), (387, 388, 'carnivore'), (389, 397, 'fish'),
    (398, 923, 'artifact'), (924, 969, 'food'), (970, 980, 'natural scene'),
    (981, 983, 'person'), (984, 998, 'plant'), (999, 999, 'artifact'))

# (dataset, id block, rule): rule is a concept name, 'imagenet' (the ranges
# above) or 'pets' (capitalised breed -> 'cat', else 'dog').
LEAF_RULES = (
    ('imagenet', 10000, 'imagenet'),
    ('pets', 20000, 'pets'),
    ('flowers102', 30000, 'flower'),
    ('food101', 40000, 'food'),
    ('cars', 50000, 'car'),
    ('aircraft', 60000, 'airplane'),  # FGVC variants are all aeroplanes
    ('dtd', 70000, 'texture'),
    ('sun397', 80000, 'scene'),
    ('gtsrb', 90000, 'traffic sign'),
)


def parse_top(text: str = TOP) -> List[dict]:
    """The hand-written top as concept dicts, ids = line numbers."""
    concepts, stack = [], []  # stack: (indent, id)
    for line in (ln for ln in text.splitlines() if ln.strip()):
        indent = len(line) - len(line.lstrip(' '))
        name, _, synonyms = line.strip().partition('|')
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stack and indent != stack[-1][0] + 2 or not stack and concepts:
            raise ValueError(f'bad indentation: {line!r}')
        cid = len(concepts) + 1
        concepts.append(dict(
            id=cid, name=name.strip(), parent=stack[-1][1] if stack else None,
            synonyms=[s.strip() for s in synonyms.split(',') if s.strip()],
            source='top'))
        stack.append((indent, cid))
    return concepts


def _leaf_names(dataset: str, index: int, name: str) -> List[str]:
    """The names of a class: canonical first, then synonyms."""
    if dataset == 'imagenet':
        names = [part.strip() for part in name.split(',')]
    elif dataset == 'gtsrb':
        names = [GTSRB_SIGN_NAMES[index]]
    else:
        names = [name.replace('_', ' ')]
    if dataset == 'pets':
        names.append(names[0] + (' cat' if name[0].isupper() else ' dog'))
    seen, out = set(), []
    for item in names:
        if item and normalize_name(item) not in seen:
            seen.add(normalize_name(item))
            out.append(item)
    return out


class _Builder:

    def __init__(self):
        self.concepts: Dict[int, dict] = {
            c['id']: c for c in parse_top()}
        self.by_name: Dict[str, List[int]] = {}
        self.by_synonym: Dict[str, List[int]] = {}
        for cid in sorted(self.concepts):
            self._index(cid)

    def _index(self, cid: int, names: Optional[List[str]] = None):
        concept = self.concepts[cid]
        if names is None:
            self.by_name.setdefault(normalize_name(concept['name']),
                                    []).append(cid)
            names = concept['synonyms']
        for synonym in names:
            ids = self.by_synonym.setdefault(normalize_name(synonym), [])
            if cid not in ids:
                ids.append(cid)

    def ancestors(self, cid: int) -> List[int]:
        out = []
        while cid is not None:
            out.append(cid)
            cid = self.concepts[cid]['parent']
        return out

    def under(self, cid: int, ancestor: int) -> bool:
        return ancestor in self.ancestors(cid)

    def id_of(self, name: str) -> int:
        return self.by_name[normalize_name(name)][0]

    def refine(self, names: List[str], parent: int) -> int:
        """The most specific concept under ``parent`` that a head noun of
        one of ``names`` names (the longest head wins), else ``parent``."""
        best, best_len = parent, 0
        for name in names:
            words = normalize_name(name).split(' ')
            for start in range(1, len(words)):
                head = ' '.join(words[start:])
                for cid in (self.by_name.get(head, []) +
                            self.by_synonym.get(head, [])):
                    if self.concepts[cid]['source'] == 'top' and \
                            self.under(cid, parent) and \
                            len(words) - start > best_len:
                        best, best_len = cid, len(words) - start
        return best

    def add_leaf(self, dataset: str, block: int, index: int, class_name: str,
                 parent_name: str, claimed: set):
        names = _leaf_names(dataset, index, class_name)
        parent = self.id_of(parent_name)
        # merge into a concept under the parent that one of the names names
        for i, name in enumerate(names):
            key = normalize_name(name)
            if i == 0:  # the class's own name: any name of a concept
                candidates = (self.by_name.get(key, []) +
                              self.by_synonym.get(key, []))
            else:  # a synonym: the canonical name of an earlier leaf
                candidates = [
                    cid for cid in self.by_name.get(key, [])
                    if self.concepts[cid]['source'] != 'top']
            for cid in candidates:
                if cid not in claimed and self.under(cid, parent):
                    claimed.add(cid)
                    concept = self.concepts[cid]
                    known = {normalize_name(concept['name'])} | {
                        normalize_name(s) for s in concept['synonyms']}
                    new = [n for n in names if normalize_name(n) not in known]
                    concept['synonyms'].extend(new)
                    self._index(cid, new)
                    return
        taken = set(self.by_name)
        canonical = next((n for n in names if normalize_name(n) not in taken),
                         None)
        if canonical is None:
            canonical = f'{names[0]} ({self.concepts[parent]["name"]})'
        cid = block + index
        assert cid not in self.concepts, cid
        self.concepts[cid] = dict(
            id=cid, name=canonical, parent=self.refine(names, parent),
            synonyms=[n for n in names if n != canonical], source=(
                f'{dataset}:{index}'))
        claimed.add(cid)
        self._index(cid)

    def add_dataset(self, dataset: str, block: int, rule: str):
        claimed = set()
        for index, name in enumerate(dataset_classes(dataset)):
            if rule == 'imagenet':
                parent = next(p for lo, hi, p in IMAGENET_RANGES
                              if lo <= index <= hi)
            elif rule == 'pets':
                parent = 'cat' if name[0].isupper() else 'dog'
            else:
                parent = rule
            self.add_leaf(dataset, block, index, name, parent, claimed)


def build() -> dict:
    """The taxonomy as a dict (``{'version', 'concepts'}``)."""
    builder = _Builder()
    for dataset, block, rule in LEAF_RULES:
        builder.add_dataset(dataset, block, rule)
    concepts = [builder.concepts[cid] for cid in sorted(builder.concepts)]
    return dict(version=1, concepts=concepts)


def dumps(taxonomy: dict) -> str:
    """Stable JSON text: one concept a line, keys sorted."""
    lines = [json.dumps(c, sort_keys=True, ensure_ascii=False)
             for c in taxonomy['concepts']]
    return ('{"version": %d, "concepts": [\n' % taxonomy['version'] +
            ',\n'.join(lines) + '\n]}\n')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=DEFAULT_TAXONOMY_FILE)
    parser.add_argument('--check', action='store_true',
                        help='exit 1 if --out differs from a fresh build')
    args = parser.parse_args(argv)
    text = dumps(build())
    if args.check:
        with open(args.out, encoding='utf-8') as f:
            same = f.read() == text
        print('up to date' if same else f'{args.out} is stale')
        return 0 if same else 1
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write(text)
    print(f'wrote {text.count(chr(10)) - 2} concepts to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
