"""The baker: knob figures recorded at build time, so the published page can replay them.

Not part of nnlib (``pip install`` of nnlib does not carry it): only the book build uses
it, through an IPython startup file (``hook``). One concept per module:

- ``contract``: the frames contract (``assets/frames-contract.json``, explained in
  ``FRAMES.md``), which the page's player and the tests read too;
- ``encode``: drawing primitives as text (SVG path data, CSS colours, image data URLs);
- ``tables``: the de-duplicated tables of one chunk (styles, glyphs, pictures, ops);
- ``recorder``: a matplotlib renderer that records what Agg would paint;
- ``frames``: a figure's frames, each moving artist recorded once per distinct content;
- ``grid``: which knob values a figure stores;
- ``budget``: how many frames and bytes a figure may have, and its chunk size;
- ``payload``: the page's header and the chunks;
- ``figure``: baking one figure, on every core;
- ``cache``: figures already baked, by a key of their code, data and knobs;
- ``page``: the widgets the published page shows;
- ``hook``: the build's display hook; ``report``: the build's cost table.

Importing it changes nothing.
"""
