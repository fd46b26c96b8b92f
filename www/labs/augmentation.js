// The augmentation lab's view: a preview of random transforms with the current settings,
// and the runs without and with augmentation side by side, each also measured on a
// rotated-and-shifted copy of the test set.
import { CompareView } from '../ui/compare.js';
import { el, card } from '../ui/dom.js';
import { drawPicture } from '../ui/images.js';

export const strings = {
  en: {
    'augmentation.title': 'What does data augmentation buy you?',
    'augmentation.intro': 'A network trained on a thousand digits has only seen them upright and centred, so a digit turned by 20° or moved by a few pixels can fool it. Augmentation shows it a slightly different version of every image in every batch: rotated, shifted, zoomed, sheared or mirrored, with the settings of Keras’ ImageDataGenerator. The model then has to learn what stays the same. Train to compare the same small CNN with and without augmentation on the normal test set and on a rotated-and-shifted copy of it. Then try horizontal_flip: a mirrored 2 is not a 2.',
    compare_title_augmentation: 'Without and with augmentation, side by side',
    compare_help_augmentation: 'Each card: accuracy after every epoch on the training images, the test set, and a copy of the test set rotated by up to 20° and shifted by up to 15%.',
    preview_title: 'What the network sees',
    preview_help: 'The first column holds training images as they are; the others are random transforms with the current settings, as a batch would get them.',
    preview_again: 'New random transforms',
    augment_off: 'Without augmentation',
    augment_on: 'With augmentation',
    shifted_set: 'rotated & shifted test set',
    augment_facts: 'train {train}% · test {test}% · rotated & shifted test {shifted}%',
  },
  zh: {
    'augmentation.title': '数据增强能带来什么？',
    'augmentation.intro': '只用一千张数字训练的网络，只见过端正、居中的数字，把数字转 20° 或挪动几个像素就可能骗过它。数据增强在每个批次里给它看每张图片的一个略有不同的版本：旋转、平移、缩放、错切或镜像，参数与 Keras 的 ImageDataGenerator 相同。这样模型就必须学会那些不变的特征。点击“训练”，比较同一个小型 CNN 在有无数据增强时，在普通测试集和“旋转平移后”的测试集上的表现。再试试 horizontal_flip：镜像后的 2 就不再是 2 了。',
    compare_title_augmentation: '不做与做数据增强，并排对比',
    compare_help_augmentation: '每张卡片：每轮结束时在训练图片、测试集，以及旋转最多 20°、平移最多 15% 的测试集副本上的准确率。',
    preview_title: '网络看到的图片',
    preview_help: '第一列是原始训练图片；其余各列是按当前设置随机变换后的样子，和训练批次中的一样。',
    preview_again: '重新随机变换',
    augment_off: '不做数据增强',
    augment_on: '做数据增强',
    shifted_set: '旋转平移后的测试集',
    augment_facts: '训练 {train}% · 测试 {test}% · 旋转平移测试 {shifted}%',
  },
};

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const preview = card('card-preview', 'preview_title', 'preview_help');
  const canvas = el('canvas', { id: 'preview', class: 'preview', role: 'img', 'data-i18n-label': 'preview_title' });
  const again = el('button', { type: 'button', id: 'preview-again', class: 'ghost', 'data-i18n': 'preview_again' });
  preview.append(canvas, el('div', {}, again));
  ctx.root.append(preview);
  const pct = (v) => (v * 100).toFixed(1);
  const view = new CompareView(ctx, {
    shifted: true,
    facts: (e, tr) => tr('augment_facts', { train: pct(e.train_accuracy), test: pct(e.test_accuracy), shifted: pct(e.shifted_accuracy) }),
  });
  view.runLabel = 'train';
  // A fresh set of random transforms on demand; redrawn whenever the settings change.
  let draw = 0;
  let shownFor = null;
  const request = () => ctx.send({ type: 'preview', link: `#${ctx.canonical()}`, draw });
  again.addEventListener('click', () => { draw++; request(); });
  const onParsed = view.onParsed.bind(view);
  view.onParsed = (parsed) => {
    onParsed(parsed);
    if (parsed.canonical !== shownFor) { shownFor = parsed.canonical; request(); }
  };
  view.onPreview = (picture, link) => {
    if (link === `#${ctx.canonical()}`) drawPicture(canvas, picture, 2);
  };
  return view;
}
